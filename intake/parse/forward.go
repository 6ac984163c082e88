package parse

import (
	"regexp"
	"strings"

	"haugiang.gov.vn/phananh/rules/fold"
)

var forwardMarker = regexp.MustCompile(`(?i)^\s*(-{2,}\s*(forwarded message|thu da chuyen tiep|thu chuyen tiep|original message|thu goc)\s*-{2,}|begin forwarded message:|bat dau thu duoc chuyen tiep:)\s*$`)

var forwardField = regexp.MustCompile(`^\s*\*?([^:*]{1,20})\*?\s*:\s*(.*)$`)

// inlineForward finds a message forwarded inline in text: a marker line
// (Gmail's "---------- Forwarded message ---------", Apple Mail's "Begin
// forwarded message:", Thunderbird's "-------- Forwarded Message --------",
// Outlook's "-----Original Message-----", and their Vietnamese forms)
// followed by a From/Date/Subject/To block. It returns the original
// message's sender, recipients, subject, date and text, or nil.
func inlineForward(text string) *Message {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "-") && !strings.HasSuffix(t, ":") || !forwardMarker.MatchString(fold.String(t)) {
			continue
		}
		if fw := forwardBlock(lines[i+1:]); fw != nil {
			return fw
		}
	}
	return nil
}

// forwardBlock reads the header block of an inline forward and the text
// after it.
func forwardBlock(lines []string) *Message {
	fw := &Message{}
	seen := 0
	i := 0
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(strings.TrimLeft(lines[i], ">"))
		if t == "" {
			if seen > 0 {
				break
			}
			continue
		}
		m := forwardField.FindStringSubmatch(t)
		if m == nil {
			break
		}
		value := strings.TrimSpace(m[2])
		switch fold.String(strings.TrimSpace(m[1])) {
		case "from", "tu", "nguoi gui":
			if a := addressList(value, ""); len(a) > 0 {
				fw.From = a[0]
			} else {
				fw.From = Address{Name: value}
			}
		case "to", "den", "toi":
			fw.To = addressList(value, "")
		case "cc":
			fw.Cc = addressList(value, "")
		case "subject", "chu de", "tieu de":
			fw.Subject = value
		case "date", "sent", "ngay", "da gui", "ngay gui":
			fw.Date = parseDate(value)
		case "reply-to":
			fw.ReplyTo = addressList(value, "")
		default:
			continue
		}
		seen++
	}
	if seen < 2 || fw.From.Addr == "" && fw.From.Name == "" {
		return nil
	}
	fw.Text = strings.TrimSpace(strings.Join(lines[i:], "\n"))
	fw.NewText, fw.Signature = splitNewText(fw.Text)
	fw.BlankBody = blankBody(fw.Text)
	fw.English = isEnglish(fw.Subject + "\n" + fw.NewText)
	return fw
}
