package command

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/fold"
)

// MaxDays is the most working days an /extend or /confirm-extension may
// give: a year's worth. The regulation sets no limit (Art 8.3); a larger
// number is a typing mistake.
const MaxDays = 250

// parser collects the commands of a reply and the text lines under them.
type parser struct {
	cmds     []Command
	parts    []textParts // parallel to cmds
	refusals []Refusal
	// current is the index of the latest command, -1 before the first, or
	// after a refused line; the lines under it are its text when it
	// carries one.
	current int
	// above is set when the operator wrote something above the first
	// command: a greeting, or a result written first, which no command
	// takes (the refusal of a text command without text says so).
	above bool
	// repeated are the command lines that repeat what others wrote on
	// the report (Theirs), which are no commands.
	repeated []Refusal
}

// textParts are the pieces of a command's text.
type textParts struct {
	carries bool // a text-carrying command
	needed  bool // its text may not be empty
	arg     string
	below   []string
	name    string // as typed, for the refusal
	spec    spec
}

// other takes a line that is not a command: into the text of the command
// above it when that command carries one; a line above the first command,
// or under a command that carries no text, belongs to no command (SPEC
// 7.1).
func (p *parser) other(line string) {
	switch {
	case p.current >= 0 && p.parts[p.current].carries:
		p.parts[p.current].below = append(p.parts[p.current].below, line)
	case len(p.cmds) == 0 && len(p.refusals) == 0 && strings.TrimSpace(line) != "":
		p.above = true
	}
}

func (p *parser) refuse(line int, raw, code, format string, args ...any) {
	if utf8.RuneCountInString(raw) > 120 {
		raw = string([]rune(raw)[:119]) + "…"
	}
	p.refusals = append(p.refusals, Refusal{Line: line, Raw: raw, Code: code, Reason: fmt.Sprintf(format, args...)})
}

func (p *parser) command(line int, raw, name, rest string) {
	a, typed, rest, ok := lookup(name, rest)
	if !ok {
		p.refuse(line, raw, UnknownCommand, "không có lệnh %s; gửi /help để xem các lệnh", typed)
		return
	}
	sp := specs[a]
	c := Command{Action: a, Line: line, Raw: raw}
	arg := trimArg(rest)
	code, reason := readArgs(&c, sp, arg, typed)
	if code != "" {
		p.refuse(line, raw, code, "%s", reason)
		p.current = -1
		return
	}
	parts := textParts{name: typed, spec: sp}
	switch sp.syntax {
	case needText, extendArgs:
		parts.carries, parts.needed, parts.arg = true, true, c.Text
	case optText:
		parts.carries, parts.arg = true, c.Text
	}
	p.cmds = append(p.cmds, c)
	p.parts = append(p.parts, parts)
	p.current = len(p.cmds) - 1
}

// finish gathers each text and returns the commands and the refusals, in
// the order of their lines.
func (p *parser) finish() ([]Command, []Refusal) {
	var out []Command
	for i, c := range p.cmds {
		parts := p.parts[i]
		if !parts.carries {
			out = append(out, c)
			continue
		}
		c.Text = joinText(append([]string{parts.arg}, parts.below...))
		if c.Text != "" && blankForm(c.Text) {
			p.repeated = append(p.repeated, Refusal{Line: c.Line, Raw: c.Raw, Code: Repeated, Reason: formReason})
			continue
		}
		if parts.needed && c.Text == "" {
			hint := ""
			if p.above {
				hint = "; các dòng phía trên lệnh đầu tiên (lời chào, …) không thuộc lệnh nào"
			}
			p.refuse(c.Line, c.Raw, MissingArgument, "lệnh %s cần %s: ghi sau lệnh hoặc ở các dòng dưới, ví dụ: %s%s",
				parts.name, parts.spec.what, parts.spec.example, hint)
			continue
		}
		out = append(out, c)
	}
	slices.SortStableFunc(p.refusals, func(a, b Refusal) int { return a.Line - b.Line })
	return out, p.refusals
}

// joinText joins lines into a text: right-trimmed, without blank lines at
// its ends, and runs of blank lines made one.
func joinText(lines []string) string {
	var out []string
	blank := false
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if strings.TrimSpace(l) == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// trimArg removes the space around an argument and a ":" or dash that
// separates it from the name ("/reject: lý do", "/reject – lý do").
func trimArg(rest string) string {
	t := strings.TrimSpace(rest)
	for _, sep := range []string{":", "-", "–", "—"} {
		if strings.HasPrefix(t, sep) {
			return strings.TrimSpace(t[len(sep):])
		}
	}
	return t
}

// onlyPunctuation reports whether s has no letter or digit: "/approve."
// is a bare /approve.
func onlyPunctuation(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0
}

var (
	codePattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	reportCode    = regexp.MustCompile(`(?i)^\[?(pa-\d{4}-\d{6})\]?$`)
	monthPattern  = regexp.MustCompile(`^(\d{4})-(\d{1,2})$`)
	monthVietnam  = regexp.MustCompile(`^(\d{1,2})[/.-](\d{4})$`)
	trailingPunct = ".,;!*_"
)

// readArgs fills c from the argument of its line, or returns a refusal
// code and reason.
func readArgs(c *Command, sp spec, arg, typed string) (code, reason string) {
	switch sp.syntax {
	case bare:
		if !onlyPunctuation(arg) {
			return ExtraArgument, fmt.Sprintf("lệnh %s không nhận thêm nội dung trên cùng dòng", typed)
		}
	case optCode, needCode:
		if arg == "" && sp.syntax == needCode {
			return MissingArgument, fmt.Sprintf("lệnh %s cần %s, ví dụ: %s", typed, sp.what, sp.example)
		}
		return readCode(c, arg, sp)
	case needText, optText, helpArgs:
		c.Text = arg
	case extendArgs:
		days, rest, ok := readDays(arg)
		if !ok {
			return BadArgument, daysReason(typed)
		}
		c.Days, c.Text = days, rest
	case optDays:
		days, rest, ok := readDays(arg)
		if !ok {
			return BadArgument, daysReason(typed)
		}
		if !onlyPunctuation(rest) {
			return ExtraArgument, fmt.Sprintf("lệnh %s chỉ nhận số ngày gia hạn, ví dụ: %s", typed, sp.example)
		}
		c.Days = days
	case statusArgs:
		if arg != "" {
			m := reportCode.FindStringSubmatch(strings.TrimRight(arg, trailingPunct))
			if m == nil {
				return BadArgument, fmt.Sprintf("«%s» không phải là mã phản ánh; ví dụ: %s", arg, sp.example)
			}
			c.Code = strings.ToUpper(m[1])
		}
	case reportArgs:
		return readReport(c, arg, typed, sp)
	}
	return "", ""
}

// readCode reads the agency, field or unit a command names: a code, or
// else a name or alias for the caller to look up in the routing table.
func readCode(c *Command, arg string, sp spec) (code, reason string) {
	v := strings.TrimSpace(strings.TrimRight(arg, trailingPunct))
	switch {
	case v == "":
		return "", ""
	case codePattern.MatchString(strings.ToLower(v)) && len(v) <= 64:
		c.Code = strings.ToLower(v)
	case utf8.RuneCountInString(v) > maxName || onlyPunctuation(v):
		return BadArgument, fmt.Sprintf("«%s» không phải là %s; ví dụ: %s", arg, sp.what, sp.example)
	default:
		c.Name = v
	}
	return "", ""
}

// maxName is the longest name a command may give for an agency, a field or
// a unit: the longest names of the routing table are about 70 characters.
const maxName = 120

func daysReason(typed string) string {
	return fmt.Sprintf("lệnh %s: số ngày gia hạn phải là số ngày làm việc từ 1 đến %d", typed, MaxDays)
}

// dayUnits may follow a number of days: "5 ngày làm việc", "5 days".
var dayUnits = [][]string{{"ngay", "lam", "viec"}, {"working", "days"}, {"ngay"}, {"days"}, {"day"}}

// readDays reads an optional number of working days at the start of arg,
// with its unit, and returns the rest. ok is false for a number out of
// 1..MaxDays.
func readDays(arg string) (days int, rest string, ok bool) {
	word, after := cutWord(arg)
	n, err := strconv.Atoi(strings.TrimRight(word, trailingPunct))
	if err != nil {
		return 0, arg, true
	}
	if n < 1 || n > MaxDays {
		return 0, arg, false
	}
	for _, unit := range dayUnits {
		r, matched := after, true
		for _, u := range unit {
			var w string
			w, r = cutWord(r)
			if fold.String(strings.TrimRight(w, trailingPunct+":")) != u {
				matched = false
				break
			}
		}
		if matched {
			after = r
			break
		}
	}
	return n, trimArg(after), true
}

// cutWord returns the first word of s and what follows it.
func cutWord(s string) (word, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// periods maps the words for a report period, folded and without hyphens,
// to SPEC 12.1's names.
var periods = map[string]string{
	"monthly": "monthly", "month": "monthly", "thang": "monthly",
	"quarterly": "quarterly", "quarter": "quarterly", "quy": "quarterly",
	"semiannual": "semiannual", "halfyear": "semiannual", "6thang": "semiannual", "sauthang": "semiannual", "nuanam": "semiannual",
	"annual": "annual", "yearly": "annual", "year": "annual", "nam": "annual",
}

func readReport(c *Command, arg, typed string, sp spec) (code, reason string) {
	words := strings.Fields(arg)
	if len(words) == 0 {
		return MissingArgument, fmt.Sprintf("lệnh %s cần kỳ báo cáo (thang, quy, 6thang hoặc nam) và có thể thêm tháng, ví dụ: %s",
			typed, sp.example)
	}
	if len(words) > 1 {
		if _, ok := periods[key(words[0]+words[1])]; ok { // "6 tháng", "nửa năm"
			words = append([]string{words[0] + words[1]}, words[2:]...)
		}
	}
	period, ok := periods[key(words[0])]
	if !ok {
		return BadArgument, fmt.Sprintf("«%s» không phải là kỳ báo cáo: thang, quy, 6thang hoặc nam (báo cáo tháng, quý, 6 tháng, năm)", words[0])
	}
	c.Period = period
	switch len(words) {
	case 1:
		return "", ""
	case 2:
		if month, ok := readMonth(words[1]); ok {
			c.Month = month
			return "", ""
		}
		return BadArgument, fmt.Sprintf("«%s» không phải là tháng; viết năm-tháng, ví dụ: 2026-11", words[1])
	}
	return ExtraArgument, fmt.Sprintf("lệnh %s chỉ nhận kỳ báo cáo và tháng, ví dụ: %s", typed, sp.example)
}

// readMonth reads "2026-11" or the Vietnamese "11/2026" and returns
// "2026-11".
func readMonth(s string) (string, bool) {
	var year, month string
	if m := monthPattern.FindStringSubmatch(s); m != nil {
		year, month = m[1], m[2]
	} else if m := monthVietnam.FindStringSubmatch(s); m != nil {
		year, month = m[2], m[1]
	} else {
		return "", false
	}
	n, _ := strconv.Atoi(month)
	if n < 1 || n > 12 {
		return "", false
	}
	return fmt.Sprintf("%s-%02d", year, n), true
}
