import BackOfficeCore
import SQLKit
import SQLiteKit
