package routing

import (
	"fmt"
	"strings"
)

// A Problem is one thing wrong in a table file.
type Problem struct {
	File string
	Line int // 0 when the problem is on no line (a missing key or table)
	Msg  string
}

// String formats the problem as compilers do: "rules.toml:42: message".
func (p Problem) String() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// ValidationError lists every problem found in a table file, in the order of
// the file.
type ValidationError struct {
	Problems []Problem
}

// Error returns the problems, one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
