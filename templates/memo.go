package templates

import (
	"errors"
	htmltemplate "html/template"
	"io"
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
// same result for the same arguments. Lists are the only arguments kept:
// the strings and records a notice holds may be a citizen's words, which
// are never kept beyond their mail.

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
	key, keep := memoKey(name, arg)
	if keep {
		m.mu.RLock()
		out, ok := m.kept[key]
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
			m.kept[key] = out
		}
		m.mu.Unlock()
	}
	return out, nil
}

// memoKey is the key of a partial's output for an argument, and whether
// the output is kept: only for no argument and for a list of strings.
func memoKey(name string, data any) (string, bool) {
	switch v := data.(type) {
	case nil:
		return name, true
	case []string:
		var b strings.Builder
		b.WriteString(name)
		for _, s := range v {
			b.WriteString("\x00" + strconv.Itoa(len(s)) + ":" + s)
		}
		return b.String(), true
	}
	return "", false
}

// memoizeText replaces the partial calls of a plain-text template set.
func memoizeText(t *texttemplate.Template) {
	m := &memo{execute: t.ExecuteTemplate, kept: map[string]string{}}
	t.Funcs(texttemplate.FuncMap{memoFunc: m.call})
	for _, tt := range t.Templates() {
		if tt.Tree != nil {
			replaceCalls(tt.Tree.Root, func(name string) bool { return t.Lookup(name) != nil })
		}
	}
}

// memoizeHTML replaces the partial calls of an HTML template set whose
// templates have all been escaped (executed once), and returns the
// memo. Only the calls made where the text is HTML text (where
// html/template executes the partial as it is, not a copy escaped for an
// attribute or a script) are replaced, and only for partials that
// html/template escapes as templates of their own, from HTML text: then
// what the partial writes when executed alone is what it writes at the
// call, already escaped, and the replacing call's output is written as
// it is. Every partial is escaped before any call is replaced, so that
// html/template never escapes a replacing call's output again.
func memoizeHTML(h *htmltemplate.Template, root string) {
	trees := reachable(h, root)
	called := map[string]bool{}
	for _, tree := range trees {
		findCalls(tree.Root, called)
	}
	ok := map[string]bool{}
	for name := range called {
		// Executing a partial escapes it: it fails only for want of
		// data, or in escaping, and then its calls stay as they are.
		err := h.ExecuteTemplate(io.Discard, name, nil)
		var exec texttemplate.ExecError
		ok[name] = err == nil || errors.As(err, &exec)
	}
	m := &memo{execute: h.ExecuteTemplate, kept: map[string]string{}}
	h.Funcs(htmltemplate.FuncMap{memoFunc: m.call})
	for _, tree := range trees {
		replaceCalls(tree.Root, func(name string) bool { return ok[name] })
	}
}

// reachable returns the trees of the templates an HTML template executes:
// root's, and those it calls, directly or not.
func reachable(h *htmltemplate.Template, root string) []*parse.Tree {
	var trees []*parse.Tree
	seen := map[string]bool{}
	next := []string{root}
	for len(next) > 0 {
		name := next[len(next)-1]
		next = next[:len(next)-1]
		t := h.Lookup(name)
		if seen[name] || t == nil || t.Tree == nil {
			continue
		}
		seen[name] = true
		trees = append(trees, t.Tree)
		walkLists(t.Tree.Root, func(list *parse.ListNode) {
			for _, n := range list.Nodes {
				if c, ok := n.(*parse.TemplateNode); ok {
					next = append(next, c.Name)
				}
			}
		})
	}
	return trees
}

// findCalls notes the partials called under node.
func findCalls(node parse.Node, called map[string]bool) {
	walkLists(node, func(list *parse.ListNode) {
		for _, n := range list.Nodes {
			if t, ok := n.(*parse.TemplateNode); ok && replaceable(t) {
				called[t.Name] = true
			}
		}
	})
}

// replaceable reports whether a call may be replaced: its argument is
// none or an expression (not dot itself, which is a mail's whole data,
// nor a declaration), and its name is the partial's own, not the name of
// a copy html/template escaped for another context ("NAME$htmltemplate_…").
func replaceable(t *parse.TemplateNode) bool {
	if strings.Contains(t.Name, "$") {
		return false
	}
	if t.Pipe == nil {
		return true
	}
	if len(t.Pipe.Decl) > 0 || t.Pipe.IsAssign || len(t.Pipe.Cmds) != 1 {
		return false
	}
	args := t.Pipe.Cmds[0].Args
	_, dot := args[0].(*parse.DotNode)
	return !(len(args) == 1 && dot)
}

// replaceCalls replaces the calls under node of the partials named.
func replaceCalls(node parse.Node, names func(string) bool) {
	walkLists(node, func(list *parse.ListNode) {
		for i, n := range list.Nodes {
			t, ok := n.(*parse.TemplateNode)
			if !ok || !replaceable(t) || !names(t.Name) {
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
	case *parse.IfNode:
		walkLists(n.List, f)
		walkLists(n.ElseList, f)
	case *parse.RangeNode:
		walkLists(n.List, f)
		walkLists(n.ElseList, f)
	case *parse.WithNode:
		walkLists(n.List, f)
		walkLists(n.ElseList, f)
	}
}
