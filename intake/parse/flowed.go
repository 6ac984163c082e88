package parse

import "strings"

// reflow undoes format=flowed (RFC 3676), as Thunderbird and Apple Mail
// send plain text: a line that ends in a space is joined to the next line
// of the same quote depth (without that space when delSp, as DelSp=yes
// asks); the space that stuffs a line is removed; the signature separator
// "-- " is never joined. Quoted lines keep their depth as ">" marks and a
// space.
func reflow(text string, delSp bool) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var (
		out      []string
		para     strings.Builder
		depth    = -1 // the open paragraph's quote depth, -1 when none
		lastSoft = false
	)
	flush := func() {
		if depth >= 0 {
			out = append(out, quotePrefix(depth)+para.String())
		}
		para.Reset()
		depth = -1
	}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		d := 0
		for d < len(line) && line[d] == '>' {
			d++
		}
		line = strings.TrimPrefix(line[d:], " ")
		if depth >= 0 && (!lastSoft || d != depth) {
			flush()
		}
		soft := strings.HasSuffix(line, " ") && line != "-- "
		if soft && delSp {
			line = line[:len(line)-1]
		}
		depth = d
		para.WriteString(line)
		lastSoft = soft
	}
	flush()
	return strings.Join(out, "\n")
}

// quotePrefix writes a quote depth as mail clients show it: ">> ".
func quotePrefix(depth int) string {
	if depth == 0 {
		return ""
	}
	return strings.Repeat(">", depth) + " "
}
