package lint

import "testing"

// TestFileURIOn covers both branches of the platform difference: Windows
// names (drive, UNC, relative with backslashes) and Unix names, where a
// backslash is an ordinary character. Expected URIs follow RFC 8089 (the
// file URI scheme) and RFC 3986 percent-encoding.
func TestFileURIOn(t *testing.T) {
	for _, c := range []struct {
		file    string
		windows bool
		want    string
	}{
		{`C:\Windows\System32\inetsrv\config\applicationHost.config`, true, "file:///C:/Windows/System32/inetsrv/config/applicationHost.config"},
		{`d:\sites\my site\web.config`, true, "file:///d:/sites/my%20site/web.config"},
		{`\\web01\c$\inetpub\wwwroot\web.config`, true, "file://web01/c$/inetpub/wwwroot/web.config"},
		{`config\applicationHost.config`, true, "config/applicationHost.config"},
		{`config/applicationHost.config`, false, "config/applicationHost.config"},
		{`odd\name.config`, false, "odd%5Cname.config"},
		{`/etc/iis/100%.config`, false, "/etc/iis/100%25.config"},
	} {
		if got := fileURIOn(c.file, c.windows); got != c.want {
			t.Errorf("fileURIOn(%q, windows=%v) = %q, want %q", c.file, c.windows, got, c.want)
		}
	}
}
