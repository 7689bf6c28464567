import Foundation
import NIOCore
import PostgresNIO
import SQLKit

/// A PostgreSQL row as SQLKit reads it. The store asks every result in binary (PostgresNIO always does), and reads
/// the few types it writes — integers, text, bytes — straight from the cells. The row a prepared statement gives
/// says text in its description while its cells are binary, so the declared format is not trusted.
struct PostgresBinaryRow: SQLRow {
    let cells: [PostgresCell]

    init(_ row: PostgresRow) {
        cells = Array(row)
    }

    var allColumns: [String] { cells.map(\.columnName) }

    func contains(column: String) -> Bool { cells.contains { $0.columnName == column } }

    func cell(_ column: String) throws -> PostgresCell {
        guard let cell = cells.first(where: { $0.columnName == column }) else {
            throw DecodingError.keyNotFound(SomeCodingKey(stringValue: column), .init(codingPath: [], debugDescription: "no column \(column) in the row"))
        }
        return cell
    }

    func decodeNil(column: String) throws -> Bool { try cell(column).bytes == nil }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        let cell = try cell(column)
        guard let cellType = D.self as? any BinaryCellDecodable.Type, let value = try cellType.decode(cell) as? D else {
            throw PostgresBinaryRow.mismatch(cell, D.self)
        }
        return value
    }

    static func mismatch(_ cell: PostgresCell, _ type: Any.Type) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: [SomeCodingKey(stringValue: cell.columnName)],
                                               debugDescription: "column \(cell.columnName) of type \(cell.dataType) read as \(type)"))
    }
}

/// A type the store reads from a binary cell.
protocol BinaryCellDecodable {
    static func decode(_ cell: PostgresCell) throws -> Self
}

extension BinaryCellDecodable {
    static func bytes(_ cell: PostgresCell) throws -> ByteBuffer {
        guard let bytes = cell.bytes else { throw DecodingError.valueNotFound(Self.self, .init(codingPath: [SomeCodingKey(stringValue: cell.columnName)], debugDescription: "column \(cell.columnName) is NULL")) }
        return bytes
    }
}

extension Int64: BinaryCellDecodable {
    static func decode(_ cell: PostgresCell) throws -> Int64 {
        var bytes = try bytes(cell)
        let value: Int64? = switch (cell.dataType, bytes.readableBytes) {
        case (.int8, 8): bytes.readInteger(as: Int64.self)
        case (.int4, 4): bytes.readInteger(as: Int32.self).map(Int64.init)
        case (.int2, 2): bytes.readInteger(as: Int16.self).map(Int64.init)
        default: nil
        }
        guard let value else { throw PostgresBinaryRow.mismatch(cell, Int64.self) }
        return value
    }
}

extension Int: BinaryCellDecodable {
    static func decode(_ cell: PostgresCell) throws -> Int { Int(try Int64.decode(cell)) }
}

extension Int32: BinaryCellDecodable {
    static func decode(_ cell: PostgresCell) throws -> Int32 {
        guard let value = Int32(exactly: try Int64.decode(cell)) else { throw PostgresBinaryRow.mismatch(cell, Int32.self) }
        return value
    }
}

extension Bool: BinaryCellDecodable {
    static func decode(_ cell: PostgresCell) throws -> Bool {
        if cell.dataType == .bool {
            var bytes = try bytes(cell)
            guard let byte = bytes.readInteger(as: UInt8.self) else { throw PostgresBinaryRow.mismatch(cell, Bool.self) }
            return byte != 0
        }
        return try Int64.decode(cell) != 0
    }
}

extension String: BinaryCellDecodable {
    /// Text of any text type (text, varchar, name, and citext, whose type id is the extension's own); a number or
    /// bytes is not text.
    static func decode(_ cell: PostgresCell) throws -> String {
        switch cell.dataType {
        case .int2, .int4, .int8, .bool, .bytea, .float4, .float8, .numeric, .oid: throw PostgresBinaryRow.mismatch(cell, String.self)
        default:
            var bytes = try bytes(cell)
            return bytes.readString(length: bytes.readableBytes) ?? ""
        }
    }
}

extension Data: BinaryCellDecodable {
    static func decode(_ cell: PostgresCell) throws -> Data {
        guard cell.dataType == .bytea else { throw PostgresBinaryRow.mismatch(cell, Data.self) }
        return Data(try bytes(cell).readableBytesView)
    }
}

extension Optional: BinaryCellDecodable where Wrapped: BinaryCellDecodable {
    static func decode(_ cell: PostgresCell) throws -> Wrapped? {
        cell.bytes == nil ? nil : try Wrapped.decode(cell)
    }
}
