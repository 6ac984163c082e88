package config

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// keyLines maps each key a TOML file writes to the line it is written on
// ("imap.tls", "operators[1].email"), and each table to the line of its
// header ("imap", "operators[1]"), so that an error naming a key can name
// its line. It reads the file as operators write it (one key a line, arrays
// over several lines); a key it cannot place is left out.
func keyLines(src []byte) keyLineMap {
	lines := keyLineMap{}
	arrays := map[string]int{}
	prefix, depth, inString := "", 0, ""
	for i, raw := range bytes.Split(src, []byte("\n")) {
		n, line := i+1, strings.TrimSpace(string(raw))
		if inString != "" {
			if strings.Count(line, inString)%2 == 1 {
				inString = ""
			}
			continue
		}
		if depth > 0 {
			depth += bracketDepth(line)
			continue
		}
		switch {
		case line == "" || line[0] == '#':
		case strings.HasPrefix(line, "[["):
			name := tableName(strings.TrimPrefix(line, "[["), "]]")
			prefix = name + "[" + strconv.Itoa(arrays[name]) + "]"
			arrays[name]++
			lines[prefix] = n
		case line[0] == '[':
			prefix = tableName(strings.TrimPrefix(line, "["), "]")
			lines[prefix] = n
		default:
			key, value, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			full := unquoteKey(key)
			if prefix != "" {
				full = prefix + "." + full
			}
			if _, seen := lines[full]; !seen {
				lines[full] = n
			}
			value = strings.TrimSpace(value)
			for _, q := range []string{`"""`, `'''`} {
				if strings.HasPrefix(value, q) && strings.Count(value, q)%2 == 1 {
					inString = q
				}
			}
			if inString == "" {
				depth = bracketDepth(value)
			}
		}
	}
	return lines
}

func tableName(s, end string) string {
	name, _, _ := strings.Cut(s, end)
	return unquoteKey(name)
}

// unquoteKey writes a dotted key as the decoder names it: a.b, without
// quotes or spaces around its parts.
func unquoteKey(key string) string {
	parts := strings.Split(strings.TrimSpace(key), ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// bracketDepth counts the brackets a line of a value opens and closes,
// outside strings and comments.
func bracketDepth(s string) int {
	depth, quote := 0, rune(0)
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '#':
			return depth
		case r == '[':
			depth++
		case r == ']':
			depth--
		}
	}
	return depth
}

// lineOf is the line of key, or of the nearest key or table holding it
// ("intake.spam_marks" for "intake.spam_marks[1]", "operators[0]" for an
// agency the operator does not write); 0 when the file writes none of them.
func (l keyLineMap) lineOf(key string) int {
	for key != "" {
		if n, ok := l[key]; ok {
			return n
		}
		cut := strings.LastIndexAny(key, ".[")
		if cut < 0 {
			return 0
		}
		key = key[:cut]
	}
	return 0
}

type keyLineMap map[string]int

// At is where the configuration file writes key ("privacy.contact"), for
// a message: "FILE:LINE", the line of the key or else of the nearest key
// or table holding it, or FILE alone when the file writes none of them.
func (c *Config) At(key string) string {
	if n := c.lines.lineOf(key); n > 0 {
		return fmt.Sprintf("%s:%d", c.Path, n)
	}
	return c.Path
}

// keyInError is the key an error of Validate starts with ("imap.tls: …").
var keyInError = regexp.MustCompile(`^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): `)

// typeError is the decoder's error of a value of the wrong type.
var typeError = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

var wrongType = regexp.MustCompile(`^incompatible types: TOML value has type (\S+); destination has type (.+)$`)

// inWords says a decoder's type mismatch as what the key takes and what
// the file gives, in the words of someone editing the file.
func inWords(msg string) string {
	m := wrongType.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	wants := map[string]string{"integer": "a whole number, without quotes", "float": "a number, without quotes",
		"boolean": "true or false, without quotes", "slice": `a list in brackets, such as ["a", "b"]`,
		"string": `text in quotes, such as "…"`, "primitive (string-like)": `text in quotes, such as "…"`, "map": "a table"}
	want, ok := wants[m[2]]
	if !ok {
		return msg
	}
	var got string
	switch t := m[1]; {
	case t == "string":
		got = "text in quotes"
	case t == "int64" || t == "float64":
		got = "a number"
	case t == "bool":
		got = "true or false"
	case strings.HasPrefix(t, "[]"):
		got = "a list"
	case strings.HasPrefix(t, "map["):
		got = "a table"
	default:
		got = t
	}
	return "wants " + want + ", not " + got
}

// withLine writes err as path:LINE: err when it names a key the file writes.
func withLine(path string, lines keyLineMap, err error) error {
	if m := typeError.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s: %s", path, m[1], m[2], inWords(m[3]))
	}
	if m := keyInError.FindStringSubmatch(err.Error()); m != nil {
		if n := lines.lineOf(m[1]); n > 0 {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return fmt.Errorf("%s: %w", path, err)
}

// unknownKeys names the keys the configuration does not have, the first
// with its line as path:LINE:, the others with theirs.
func unknownKeys(path string, lines keyLineMap, keys []toml.Key) error {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.String()
		if n := lines.lineOf(names[i]); n > 0 && i > 0 {
			names[i] += fmt.Sprintf(" (line %d)", n)
		}
	}
	msg := fmt.Sprintf("unknown key %s", strings.Join(names, ", "))
	if n := lines.lineOf(keys[0].String()); n > 0 {
		return fmt.Errorf("%s:%d: %s", path, n, msg)
	}
	return fmt.Errorf("%s: %s", path, msg)
}
