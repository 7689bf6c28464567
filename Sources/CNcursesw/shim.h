#ifndef BACKOFFICE_CNCURSESW_SHIM_H
#define BACKOFFICE_CNCURSESW_SHIM_H

// The wide-character API (mvwaddnwstr, wget_wch, cchar_t) is only declared with these set before <curses.h>.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <curses.h>

// Swift 6 rejects ncurses' global variables as shared mutable state and does not import its function-like or
// expression macros, so CursesTerminal reaches them through these accessors.

// MARK: - Globals

static inline WINDOW *backoffice_stdscr(void) { return stdscr; }
static inline WINDOW *backoffice_curscr(void) { return curscr; }
static inline int backoffice_colors(void) { return COLORS; }
static inline int backoffice_color_pairs(void) { return COLOR_PAIRS; }

// The C streams, for newterm on the process's own terminal.
static inline FILE *backoffice_stdin(void) { return stdin; }
static inline FILE *backoffice_stdout(void) { return stdout; }

// The character set of the current locale ("UTF-8", "ANSI_X3.4-1968", ...), valid after setlocale.
static inline const char *backoffice_codeset(void) { return nl_langinfo(CODESET); }

// The columns the C library (and so ncurses) gives wide text; wchar.h declares it only for _XOPEN_SOURCE, which the
// system module was built without.
extern int wcswidth(const wchar_t *s, size_t n);
static inline int backoffice_wcswidth(const wchar_t *s, size_t n) { return wcswidth(s, n); }

// MARK: - Attributes

static inline attr_t backoffice_a_normal(void) { return A_NORMAL; }
static inline attr_t backoffice_a_bold(void) { return A_BOLD; }
static inline attr_t backoffice_a_dim(void) { return A_DIM; }
static inline attr_t backoffice_a_reverse(void) { return A_REVERSE; }
static inline attr_t backoffice_a_underline(void) { return A_UNDERLINE; }

#endif
