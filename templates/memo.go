package templates

import (
	"errors"
	htmltemplate "html/template"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"text/template/parse"
)

// The partials a mail calls with no argument (the form, the signature) or
// with a list of names (the commands its reader can use, the form items
// missing) write the same text every time they get the same argument,
// and the cheat sheet of commands is most of a staff notice's HTML. So
// each such call, {{template "NAME"}} or {{template "NAME" LIST}}, is
// replaced once the templates are loaded by a call of a function that
// executes the partial once per argument and keeps what it wrote
// (memoize): the same template, executed the same way, writes the same
// bytes, because every function a template may call (funcs) gives the
// same result for the same arguments. Lists of codes are the only
// arguments kept: the strings, records and other lists a notice holds may
// be a citizen's words, which are never kept beyond their mail.

// memoFunc is the name the replacing calls use: one a template cannot
// spell, so that no template calls it by mistake.
const memoFunc = "_memoized"

// maxMemoized bounds the outputs kept by one template set.
const maxMemoized = 512

// memo holds the outputs of one template set's partials by name and
// argument.
type memo struct {
	execute func(w io.Writer, name string, data any) error
	mu      sync.RWMutex
	kept    map[string]string
}

// call writes partial name with data as the replaced {{template}} would,
// from what it kept when data is none or a list of strings.
func (m *memo) call(name string, data ...any) (string, error) {
	var arg any
	if len(data) > 0 {
		arg = data[0]
	}
	var k [256]byte
	key, keep := appendMemoKey(k[:0], name, arg)
	if keep {
		m.mu.RLock()
		out, ok := m.kept[string(key)] // no copy of the key made
		m.mu.RUnlock()
		if ok {
			return out, nil
		}
	}
	b := getBuffer()
	defer putBuffer(b)
	if err := m.execute(b, name, arg); err != nil {
		return "", err
	}
	out := b.String()
	if keep {
		m.mu.Lock()
		if len(m.kept) < maxMemoized {
			m.kept[string(key)] = out
		}
		m.mu.Unlock()
	}
	return out, nil
}

// appendMemoKey appends the key of a partial's output for an argument to
// b, and reports whether the output is kept: only for no argument and
// for a list of codes (the names of commands, of form items). A list
// that holds anything else (file names, lines someone wrote, passed by a
// template the operator replaced) may hold a citizen's words: its output
// is not kept.
func appendMemoKey(b []byte, name string, data any) ([]byte, bool) {
	switch v := data.(type) {
	case nil:
		return append(b, name...), true
	case []string:
		b = append(b, name...)
		for _, s := range v {
			if !code(s) {
				return b, false
			}
			b = append(b, 0)
			b = strconv.AppendInt(b, int64(len(s)), 10)
			b = append(b, ':')
			b = append(b, s...)
		}
		return b, true
	}
	return b, false
}

// code reports whether s is a code: lowercase ASCII letters, digits and
// hyphens ("accept", "call-failed", "phone").
func code(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return s != ""
}

// memoizeText replaces the calls worth it (keptCalls) in a plain-text
// template set, executed from roots with data of type data; it returns
// the function the replacing calls call.
func memoizeText(t *texttemplate.Template, roots []string, data reflect.Type) func(string, ...any) (string, error) {
	m := &memo{execute: t.ExecuteTemplate, kept: map[string]string{}}
	t.Funcs(texttemplate.FuncMap{memoFunc: m.call})
	lookup := func(name string) *parse.Tree {
		if tt := t.Lookup(name); tt != nil {
			return tt.Tree
		}
		return nil
	}
	trees, calls := keptCalls(lookup, roots, data)
	for _, tree := range trees {
		replaceCalls(tree.Root, calls)
	}
	return m.call
}

// memoizeHTML replaces the calls worth it (keptCalls) in an HTML template
// set whose root has been executed, which escaped it. Only the calls
// made where the text is HTML text (where html/template executes the
// partial as it is, not a copy escaped for an attribute or a script) are
// replaced, and only of partials that html/template escapes as
// templates of their own, from HTML text: then what the partial writes
// when executed alone is what it writes at the call, already escaped,
// and the replacing call's output is written as it is. Every such
// partial is escaped before any call is replaced, so that html/template
// never escapes a replacing call's output again. It returns the function
// the replacing calls call.
func memoizeHTML(h *htmltemplate.Template, root string, data reflect.Type) func(string, ...any) (string, error) {
	lookup := func(name string) *parse.Tree {
		if t := h.Lookup(name); t != nil {
			return t.Tree
		}
		return nil
	}
	trees, calls := keptCalls(lookup, []string{root}, data)
	escaped := map[string]bool{}
	for call := range calls {
		ok, done := escaped[call.Name]
		if !done {
			// Executing a partial escapes it: it fails only for want of
			// data, or in escaping, and then its calls stay as they are.
			err := h.ExecuteTemplate(io.Discard, call.Name, nil)
			var exec texttemplate.ExecError
			ok = err == nil || errors.As(err, &exec)
			escaped[call.Name] = ok
		}
		if !ok {
			delete(calls, call)
		}
	}
	m := &memo{execute: h.ExecuteTemplate, kept: map[string]string{}}
	h.Funcs(htmltemplate.FuncMap{memoFunc: m.call})
	for _, tree := range trees {
		replaceCalls(tree.Root, calls)
	}
	return m.call
}

// keptCalls returns the calls worth replacing in the templates that roots
// execute with a mail's data (of type data), and the trees they are in:
// the calls with no argument, and those whose argument is a field of the
// data that is a list of strings, made where dot is the data itself (in
// a root, outside range and with, and so in the partials called with
// dot), of partials that do more than the replacing call (worth). Other
// calls are left as they are: executed through the function they would
// be executed all the same, at a greater cost. Calls of a copy
// of a partial that html/template escaped for another context than HTML
// text ("NAME$htmltemplate_…") are never replaced.
func keptCalls(lookup func(string) *parse.Tree, roots []string, data reflect.Type) ([]*parse.Tree, map[*parse.TemplateNode]bool) {
	calls := map[*parse.TemplateNode]bool{}
	var trees []*parse.Tree
	walked := map[string]bool{}
	var walk func(node parse.Node, atData bool)
	enter := func(name string) {
		if tree := lookup(name); tree != nil && !walked[name] {
			walked[name] = true
			trees = append(trees, tree)
			walk(tree.Root, true)
		}
	}
	walk = func(node parse.Node, atData bool) {
		switch n := node.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c, atData)
				}
			}
		case *parse.TemplateNode:
			plain := !strings.Contains(n.Name, "$") && worth(lookup(n.Name))
			switch {
			case n.Pipe == nil:
				calls[n] = plain
			case !atData || len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1:
			case isDot(n.Pipe.Cmds[0].Args[0]):
				enter(n.Name)
			case fieldType(data, n.Pipe.Cmds[0].Args[0]) == reflect.TypeFor[[]string]():
				calls[n] = plain
			}
		default:
			if b := branch(node); b != nil {
				// Only a condition leaves dot as it is; range and with move it.
				walk(b.List, atData && b.NodeType == parse.NodeIf)
				walk(b.ElseList, atData)
			}
		}
	}
	for _, root := range roots {
		enter(root)
	}
	for n, ok := range calls {
		if !ok {
			delete(calls, n)
		}
	}
	return trees, calls
}

// worth reports whether a partial does more than a call of the function
// that replaces its calls: two actions (or conditions, loops, calls) at
// least. Text alone is written faster as it is.
func worth(t *parse.Tree) bool {
	if t == nil {
		return false
	}
	actions := 0
	var count func(parse.Node)
	count = func(node parse.Node) {
		switch n := node.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					count(c)
				}
			}
		case *parse.ActionNode, *parse.TemplateNode:
			actions++
		default:
			if b := branch(node); b != nil {
				actions++
				count(b.List)
				count(b.ElseList)
			}
		}
	}
	count(t.Root)
	return actions >= 2
}

func isDot(n parse.Node) bool {
	_, ok := n.(*parse.DotNode)
	return ok
}

// fieldType is the type of a field node (.A.B) evaluated on data of type
// t; nil when it is no field node or names no exported field.
func fieldType(t reflect.Type, n parse.Node) reflect.Type {
	f, ok := n.(*parse.FieldNode)
	if !ok {
		return nil
	}
	for _, name := range f.Ident {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		sf, ok := t.FieldByName(name)
		if !ok || !sf.IsExported() {
			return nil
		}
		t = sf.Type
	}
	return t
}

// replaceCalls replaces the calls under node that are in calls.
func replaceCalls(node parse.Node, calls map[*parse.TemplateNode]bool) {
	walkLists(node, func(list *parse.ListNode) {
		for i, n := range list.Nodes {
			t, ok := n.(*parse.TemplateNode)
			if !ok || !calls[t] {
				continue
			}
			args := []parse.Node{parse.NewIdentifier(memoFunc).SetPos(t.Pos),
				&parse.StringNode{NodeType: parse.NodeString, Pos: t.Pos, Quoted: strconv.Quote(t.Name), Text: t.Name}}
			if t.Pipe != nil {
				args = append(args, t.Pipe)
			}
			list.Nodes[i] = &parse.ActionNode{NodeType: parse.NodeAction, Pos: t.Pos, Line: t.Line,
				Pipe: &parse.PipeNode{NodeType: parse.NodePipe, Pos: t.Pos, Line: t.Line,
					Cmds: []*parse.CommandNode{{NodeType: parse.NodeCommand, Pos: t.Pos, Args: args}}}}
		}
	})
}

// walkLists calls f on every list of nodes under node.
func walkLists(node parse.Node, f func(*parse.ListNode)) {
	switch n := node.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		f(n)
		for _, c := range n.Nodes {
			walkLists(c, f)
		}
	default:
		if b := branch(node); b != nil {
			walkLists(b.List, f)
			walkLists(b.ElseList, f)
		}
	}
}

// branch returns the condition, loop or with that node is, nil when it
// is none of them.
func branch(node parse.Node) *parse.BranchNode {
	switch n := node.(type) {
	case *parse.IfNode:
		return &n.BranchNode
	case *parse.RangeNode:
		return &n.BranchNode
	case *parse.WithNode:
		return &n.BranchNode
	}
	return nil
}
