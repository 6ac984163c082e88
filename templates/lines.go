package templates

import (
	"maps"
	"slices"
	"strings"
	"text/template/parse"
)

// LineStarts returns the texts the set's templates begin a line with,
// whatever the mail's data: the text of the templates (the plain text's,
// and the HTML's as html/template escaped it) from each start of a line
// to its end, "\n" included, or to the first action, branch or call that
// cuts it — the constants' actions folded into text count as text
// (fold.go). A mail's body begins a line with them wherever its
// template's text does; a line the tidying of the plain text changes is
// simply not among a body's. They are text of the templates only: no
// mail's data is ever among them.
func (s *Set) LineStarts() []string { return s.lines }

// lineStarts collects the set's LineStarts from the trees of its
// templates.
func (s *Set) lineStarts() []string {
	lines := map[string]bool{}
	for _, kind := range slices.Sorted(maps.Keys(s.text)) {
		for _, t := range s.text[kind].Templates() {
			treeLines(t.Tree, lines)
		}
		if h := s.html[kind]; h != nil {
			for _, t := range h.Templates() {
				treeLines(t.Tree, lines)
			}
		}
	}
	return slices.Sorted(maps.Keys(lines))
}

// treeLines adds to lines the starts of lines of tree's text.
func treeLines(tree *parse.Tree, lines map[string]bool) {
	if tree == nil || tree.Root == nil {
		return
	}
	var run strings.Builder // the text since the last node that is not text
	walkLines(tree.Root, &run, lines)
	runLines(&run, lines)
}

// walkLines adds to lines the starts of lines of the text under node, run
// holding the text written since the last node that is not text: the
// text nodes one after the other make one text, any other node ends it.
func walkLines(node parse.Node, run *strings.Builder, lines map[string]bool) {
	switch n := node.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkLines(c, run, lines)
		}
		return
	case *parse.TextNode:
		run.Write(n.Text)
		return
	}
	runLines(run, lines)
	var branches []*parse.ListNode
	switch n := node.(type) {
	case *parse.IfNode:
		branches = []*parse.ListNode{n.List, n.ElseList}
	case *parse.RangeNode:
		branches = []*parse.ListNode{n.List, n.ElseList}
	case *parse.WithNode:
		branches = []*parse.ListNode{n.List, n.ElseList}
	}
	for _, b := range branches {
		walkLines(b, run, lines)
		runLines(run, lines)
	}
}

// runLines adds to lines the lines of run that begin after one of its
// "\n", each up to the next "\n", included, or to run's end, and
// empties run: its first line may follow what the node before it wrote.
func runLines(run *strings.Builder, lines map[string]bool) {
	text := run.String()
	run.Reset()
	first := strings.IndexByte(text, '\n')
	if first < 0 {
		return
	}
	for text = text[first+1:]; text != ""; {
		end := strings.IndexByte(text, '\n') + 1
		if end == 0 {
			end = len(text)
		}
		lines[text[:end]] = true
		text = text[end:]
	}
}
