package parse

import (
	"strings"
	"testing"
)

// alternative builds a message whose body is the given MIME structure.
func alternative(body string) string {
	return "From: An <an@example.vn>\r\nSubject: r\r\nMIME-Version: 1.0\r\n" + body
}

// TestOneAlternative checks that exactly one alternative of a
// multipart/alternative is read, at every level including the top one
// (SPEC 4.3).
func TestOneAlternative(t *testing.T) {
	tests := []struct {
		name, msg     string
		text, newText string
		htmlOnly      bool
	}{
		{"top level: the plain one", alternative("Content-Type: multipart/alternative; boundary=a\r\n\r\n" +
			"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nĐèn đường ấp 3 hỏng. SĐT 0912345678\r\n" +
			"--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>Đèn đường ấp 3 hỏng. SĐT 0912345678</div>\r\n--a--\r\n"),
			"Đèn đường ấp 3 hỏng. SĐT 0912345678", "Đèn đường ấp 3 hỏng. SĐT 0912345678", false},
		{"top level: a command only in the HTML", alternative("Content-Type: multipart/alternative; boundary=a\r\n\r\n" +
			"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nok\r\n" +
			"--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>ok</p><p>/reject không phải phản ánh</p>\r\n--a--\r\n"),
			"ok", "ok", false},
		{"top level: the plain one is empty", alternative("Content-Type: multipart/alternative; boundary=a\r\n\r\n" +
			"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n \r\n" +
			"--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Cống nghẹt</p>\r\n--a--\r\n"),
			"Cống nghẹt", "Cống nghẹt", true},
		{"top level: plain last", alternative("Content-Type: multipart/alternative; boundary=a\r\n\r\n" +
			"--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Cống nghẹt</p>\r\n" +
			"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCống nghẹt\r\n--a--\r\n"),
			"Cống nghẹt", "Cống nghẹt", false},
		{"Apple Mail: related HTML with an image", alternative("Content-Type: multipart/alternative; boundary=a\r\n\r\n" +
			"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCây đổ\r\n" +
			"--a\r\nContent-Type: multipart/related; boundary=r\r\n\r\n" +
			"--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>Cây đổ<img src=cid:x></div>\r\n" +
			"--r\r\nContent-Type: image/png\r\nContent-Id: <x>\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==\r\n--r--\r\n--a--\r\n"),
			"Cây đổ", "Cây đổ", false},
		{"nested alternatives", alternative("Content-Type: multipart/alternative; boundary=a\r\n\r\n" +
			"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nmột\r\n" +
			"--a\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhai\r\n" +
			"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>ba</p>\r\n--b--\r\n--a--\r\n"),
			"một", "một", false},
		{"mixed: text, photo, text", alternative("Content-Type: multipart/mixed; boundary=m\r\n\r\n" +
			"--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nmột\r\n" +
			"--m\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==\r\n" +
			"--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhai\r\n--m--\r\n"),
			"một\n\nhai", "một\n\nhai", false},
	}
	for _, tt := range tests {
		m := readString(t, tt.msg)
		if m.Text != tt.text || m.NewText != tt.newText || m.HTMLOnly != tt.htmlOnly {
			t.Errorf("%s: text %q, new text %q, htmlOnly %v; want %q, %q, %v", tt.name, m.Text, m.NewText, m.HTMLOnly,
				tt.text, tt.newText, tt.htmlOnly)
		}
	}
}

// TestHiddenHTML checks that text the HTML hides is never read (SPEC 4.3).
func TestHiddenHTML(t *testing.T) {
	tests := []struct{ name, html, want string }{
		{"display none", `<p>ok</p><div style="display:none">/reject ẩn</div><p>hết</p>`, "ok\n\nhết"},
		{"display none, spaced and upper case", `<p>ok</p><span style="COLOR: red; DISPLAY : NONE !important">/reject</span>`, "ok"},
		{"visibility hidden", `<p>ok</p><p style="visibility: hidden">/reject</p>`, "ok"},
		{"zero font size", `<p>ok<span style="font-size:0px">/reject</span></p><font style="font-size: 0">/accept</font>`, "ok"},
		{"zero font size in points", `<p>ok</p><div style="font-size:0pt;line-height:0">/reject</div>`, "ok"},
		{"hidden attribute", `<p>ok</p><div hidden>/reject</div>`, "ok"},
		{"outlook mso-hide", `<p class=MsoNormal>ok</p><p class=MsoNormal style='mso-hide:all'><span>/reject</span></p>`, "ok"},
		{"gmail preheader", `<div style="display:none;max-height:0px;overflow:hidden">Tóm tắt ẩn</div><div>Nội dung</div>`, "Nội dung"},
		{"nested inside hidden", `<div style="display:none"><div><p>/reject</p></div>/note</div><p>ok</p>`, "ok"},
		{"hidden by a class rule", `<style>.x { display: none }</style><p>ok</p><p class="a x">/reject</p>`, "ok"},
		{"hidden by an id rule", `<head><style>p#h{font-size:0}</style></head><p>ok</p><p id=h>/reject</p>`, "ok"},
		{"a rule in Outlook's commented style", "<style><!--\n.x {mso-hide:all}\np.MsoNormal {margin:0cm}\n--></style><p class=MsoNormal>ok</p><p class=x>/reject</p>", "ok"},
		{"a rule inside @media does not hide", `<style>@media (max-width:600px){.m{display:none}}</style><p class=m>ok</p>`, "ok"},
		{"unclosed hidden paragraph ends at the next one", `<p style="display:none">/reject<p>ok`, "ok"},
		{"hidden list item ends at the next item", `<ul><li hidden>/reject<li>ok</ul>`, "- ok"},
		{"void element with a hiding style", `<p>ok<br style="display:none">tiếp</p>`, "oktiếp"},
		{"display none then visible", `<span style="display:none">a</span><span style="display:inline">ok</span>`, "ok"},
		{"non-zero font size", `<p style="font-size:10px">ok</p><p style="font-size:0.5em">vẫn đọc</p>`, "ok\n\nvẫn đọc"},
	}
	deep := strings.Repeat("<div>", 600) + `<p style="display:none">/reject</p>` + strings.Repeat("</div>", 600)
	tests = append(tests, struct{ name, html, want string }{"hidden under deep nesting", "<p>ok</p>" + deep + "<p>hết</p>", "ok\n\nhết"})
	for _, tt := range tests {
		msg := "Subject: r\nContent-Type: text/html; charset=utf-8\n\n" + tt.html + "\n"
		m := readString(t, msg)
		if m.Text != tt.want {
			t.Errorf("%s: text %q, want %q", tt.name, m.Text, tt.want)
		}
		if strings.Contains(m.NewText, "/") {
			t.Errorf("%s: new text %q holds hidden text", tt.name, m.NewText)
		}
	}
}
