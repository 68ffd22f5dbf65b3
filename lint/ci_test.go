package lint

import (
	"bytes"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
)

// TestAzureEscaping checks the escapes the Azure Pipelines task library
// applies (taskcommand.ts): %AZP25 for "%", %0D and %0A for line breaks,
// and in property values %3B for ";" and %5D for "]". Line breaks and
// escape sequences from the input arrive escaped already (Report.Printable):
// a message is one line in every format.
func TestAzureEscaping(t *testing.T) {
	d := Diagnostic{ID: "ARR1001", Rule: "r", Severity: Error, Message: "100% bad;]\r\nreally \x1b[31m",
		Span: schema.Span{File: `C:\cfg\a;b]c%.config`, Start: schema.Pos{Line: 3, Col: 5}, End: schema.Pos{Line: 3, Col: 9}}}
	var b bytes.Buffer
	if err := WriteAzure(&b, Report{Diagnostics: []Diagnostic{d}}); err != nil {
		t.Fatal(err)
	}
	want := `##vso[task.logissue type=error;sourcepath=C:\cfg\a%3Bb%5Dc%AZP25.config;linenumber=3;columnnumber=5;code=ARR1001]` +
		"100%AZP25 bad;]\\x0d\\x0areally \\x1b[31m [r]\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}

// TestAzureInfoAndWholeFile: Azure has no info issues, and a finding about
// a whole file has no line to point at.
func TestAzureInfoAndWholeFile(t *testing.T) {
	d := Diagnostic{Rule: "suppression-unused", Severity: Info, Message: "m", Span: schema.Span{File: "f.config"}}
	var b bytes.Buffer
	if err := WriteAzure(&b, Report{Diagnostics: []Diagnostic{d}}); err != nil {
		t.Fatal(err)
	}
	want := "##vso[task.logissue type=warning;sourcepath=f.config;code=suppression-unused]info: m [suppression-unused]\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}
