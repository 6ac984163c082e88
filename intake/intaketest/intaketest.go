// Package intaketest makes the citizens' reports that the benchmarks of
// intake and of the whole daemon deliver, so that both measure the same
// messages.
package intaketest

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// gpsJPEG is a small photo with an EXIF block that holds a position.
//
//go:embed testdata/gps.jpg
var gpsJPEG []byte

// Photo is a small photo with its EXIF block, padded to about 3 KB.
func Photo() []byte {
	pad := make([]byte, 3<<10-len(gpsJPEG))
	for i := range pad {
		pad[i] = byte(i * 7)
	}
	return append(append([]byte(nil), gpsJPEG...), pad...)
}

// Report is citizen report i, from a sender of its own, dated date:
// about 5 KB, a text with the form's labels and photo attached.
func Report(i int, date time.Time, photo []byte) string {
	var s strings.Builder
	fmt.Fprintf(&s, "From: Người dân %d <dan%d@example.com>\r\nTo: phananh@haugiang.gov.vn\r\n", i, i)
	fmt.Fprintf(&s, "Subject: =?UTF-8?Q?M=E1=BA=A5t_=C4=91i=E1=BB=87n_s=E1=BB=91_%d?=\r\n", i)
	fmt.Fprintf(&s, "Message-ID: <bench-%d@mail.example.com>\r\nDate: %s\r\nMIME-Version: 1.0\r\n", i, date.Format(time.RFC1123Z))
	s.WriteString("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	fmt.Fprintf(&s, "Kính gửi Trung tâm,\r\n\r\nHọ tên: Người dân %d\r\nSố điện thoại: 0912 345 %03d\r\nĐịa chỉ: ấp %d, xã Vị Đông, huyện Vị Thủy\r\n", i, i%1000, i%50)
	fmt.Fprintf(&s, "Nội dung: Khu vực ấp %d bị cúp điện từ sáng đến giờ chưa có lại, mã số %d. Đường dây trước nhà bị đứt sau cơn mưa lớn tối qua, "+
		"rất nguy hiểm cho người đi đường và trẻ em đi học.\r\n\r\nTrân trọng.\r\n", i%50, i)
	s.WriteString("\r\n--b1\r\nContent-Type: image/jpeg; name=\"anh.jpg\"\r\nContent-Disposition: attachment; filename=\"anh.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	s.WriteString(Base64Lines(photo) + "--b1--\r\n")
	return s.String()
}

// Base64Lines is data in base64, in lines of 76 characters each ended by
// CRLF, as mail clients write an attachment.
func Base64Lines(data []byte) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.String()
}
