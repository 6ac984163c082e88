package routing

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// A document is a table file as written, before any meaning is given to it:
// its top-level keys and its [[agency]], [[unit]], [[former]], [[ambiguous]] and [[rule]] tables, each
// key with the line it is on.
type document struct {
	top    *record
	tables []*record
}

// A record is the top level of the file or one [[kind]] table.
type record struct {
	kind string // "" for the top level, else "agency", "unit", "former", "ambiguous" or "rule"
	line int    // the line of its [[kind]] header
	keys map[string]*entry
}

// An entry is one key = value line.
type entry struct {
	key  string
	line int
	kind unstable.Kind
	text string  // a String's value; otherwise the value as written
	list []entry // an Array's elements (their key is "")
}

// Kinds of tables a file may hold.
var tableKinds = []string{"agency", "unit", "former", "ambiguous", "rule"}

// parseDocument reads the TOML file. It stops at the first syntax error,
// since nothing after it can be trusted, but reports every misplaced table
// and repeated key.
func parseDocument(name string, data []byte) (*document, []Problem) {
	lines := lineStarts(data)
	lineOf := func(r unstable.Range) int { return lineAt(lines, int(r.Offset)) }
	var problems []Problem
	bad := func(line int, format string, args ...any) {
		problems = append(problems, Problem{File: name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}

	doc := &document{top: &record{keys: map[string]*entry{}}}
	cur := doc.top
	var p unstable.Parser
	p.Reset(data)
	for p.NextExpression() {
		expr := p.Expression()
		switch expr.Kind {
		case unstable.ArrayTable, unstable.Table:
			key, line := keyOf(expr, lineOf)
			cur = &record{kind: key, line: line, keys: map[string]*entry{}}
			switch {
			case expr.Kind == unstable.Table:
				bad(line, "[%s]: write each record as [[agency]], [[unit]], [[former]], [[ambiguous]] or [[rule]]", key)
			case !slices.Contains(tableKinds, key):
				bad(line, "[[%s]]: unknown table (the tables are [[agency]], [[unit]], [[former]], [[ambiguous]] and [[rule]])", key)
			default:
				doc.tables = append(doc.tables, cur)
			}
		case unstable.KeyValue:
			key, line := keyOf(expr, lineOf)
			if prev, ok := cur.keys[key]; ok {
				bad(line, "%s: key given twice (first at line %d)", key, prev.line)
				continue
			}
			e := newEntry(expr.Value(), lineOf)
			e.key, e.line = key, line
			cur.keys[key] = &e
		}
	}
	if err := p.Error(); err != nil {
		problems = append(problems, syntaxProblem(name, data, lines, err))
	}
	return doc, problems
}

// keyOf returns a table header's or a key's name (dotted when it has several
// parts) and its line.
func keyOf(n *unstable.Node, lineOf func(unstable.Range) int) (string, int) {
	var parts []string
	line := 0
	it := n.Key()
	for it.Next() {
		k := it.Node()
		if line == 0 {
			line = lineOf(k.Raw)
		}
		parts = append(parts, string(k.Data))
	}
	return strings.Join(parts, "."), line
}

func newEntry(v *unstable.Node, lineOf func(unstable.Range) int) entry {
	e := entry{kind: v.Kind, text: string(v.Data)}
	if v.Kind == unstable.Array || v.Kind == unstable.InlineTable {
		e.text = ""
		it := v.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			item := newEntry(c, lineOf)
			item.line = lineOf(c.Raw)
			e.list = append(e.list, item)
		}
	}
	return e
}

// syntaxProblem turns the parser's error into a problem on its line.
func syntaxProblem(name string, data []byte, lines []int, err error) Problem {
	var perr *unstable.ParserError
	if !errors.As(err, &perr) {
		return Problem{File: name, Msg: err.Error()}
	}
	line := len(lines)
	if h := perr.Highlight; h != nil {
		if off := cap(data) - cap(h); off >= 0 && off <= len(data) {
			line = lineAt(lines, off)
		}
	}
	return Problem{File: name, Line: line, Msg: "TOML syntax: " + perr.Message}
}

// lineStarts returns the offset at which each line of data starts.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' && i+1 < len(data) {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineAt returns the 1-based line holding offset.
func lineAt(starts []int, offset int) int {
	return sort.Search(len(starts), func(i int) bool { return starts[i] > offset })
}

// str returns the value of key, reporting a value that is not a string.
// ok is false when the key is absent or wrong.
func (r *record) str(key string, bad func(line int, format string, args ...any)) (s string, line int, ok bool) {
	e, found := r.keys[key]
	if !found {
		return "", r.line, false
	}
	if e.kind != unstable.String {
		bad(e.line, "%s: want a string in quotes", key)
		return "", e.line, false
	}
	return e.text, e.line, true
}

// strs returns the elements of the list under key, each with its line.
func (r *record) strs(key string, bad func(line int, format string, args ...any)) ([]entry, bool) {
	e, found := r.keys[key]
	if !found {
		return nil, false
	}
	if e.kind != unstable.Array {
		bad(e.line, "%s: want a list of strings, like [\"a\", \"b\"]", key)
		return nil, false
	}
	var out []entry
	for _, item := range e.list {
		if item.kind != unstable.String {
			bad(item.line, "%s: want a list of strings, like [\"a\", \"b\"]", key)
			continue
		}
		out = append(out, item)
	}
	return out, true
}

// integer returns the whole number under key.
func (r *record) integer(key string, bad func(line int, format string, args ...any)) (n, line int, ok bool) {
	e, found := r.keys[key]
	if !found {
		return 0, r.line, false
	}
	v, err := strconv.Atoi(strings.ReplaceAll(strings.TrimPrefix(e.text, "+"), "_", ""))
	if e.kind != unstable.Integer || err != nil {
		bad(e.line, "%s: want a whole number", key)
		return 0, e.line, false
	}
	return v, e.line, true
}

// boolean returns the true or false under key; false when absent.
func (r *record) boolean(key string, bad func(line int, format string, args ...any)) bool {
	e, found := r.keys[key]
	if !found {
		return false
	}
	if e.kind != unstable.Bool {
		bad(e.line, "%s: want true or false", key)
		return false
	}
	return e.text == "true"
}

// unknownKeys reports the keys that are not in allowed.
func (r *record) unknownKeys(allowed []string, bad func(line int, format string, args ...any)) {
	keys := make([]*entry, 0, len(r.keys))
	for _, e := range r.keys {
		keys = append(keys, e)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].line < keys[j].line })
	for _, e := range keys {
		if !slices.Contains(allowed, e.key) {
			bad(e.line, "%s: unknown key (known: %s)", e.key, strings.Join(allowed, ", "))
		}
	}
}
