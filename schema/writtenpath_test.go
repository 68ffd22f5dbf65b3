package schema

import (
	"strings"
	"testing"
)

// TestMisplacedNamesWrittenParent: a farm written under system.webServer,
// as the HVAC guide of the corpus writes it (applicationRequestRouting and
// serverFarms under system.webServer, in a <location>), is read as meant,
// but the messages name where the elements stand in the file, not the
// farm path they were read as.
func TestMisplacedNamesWrittenParent(t *testing.T) {
	src := `<configuration>
  <location path="api">
    <system.webServer>
      <applicationRequestRouting>
        <serverFarms>
          <serverFarm name="HVAC_ServerFarm" />
        </serverFarms>
      </applicationRequestRouting>
    </system.webServer>
  </location>
</configuration>
`
	doc, err := Load("web.config", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		4: "applicationRequestRouting does not belong in system.webServer: it belongs in webFarms/webFarm",
		5: "unknown element serverFarms in system.webServer/applicationRequestRouting: did you mean webFarms?",
		6: "unknown element serverFarm in system.webServer/applicationRequestRouting/serverFarms: did you mean webFarm?",
	}
	for _, f := range doc.Findings {
		if w, ok := want[f.Span.Start.Line]; ok {
			if !strings.HasPrefix(f.Message, w) {
				t.Errorf("line %d: %q, want it to start %q", f.Span.Start.Line, f.Message, w)
			}
			delete(want, f.Span.Start.Line)
		}
	}
	for line, w := range want {
		t.Errorf("line %d: no finding %q; got %+v", line, w, doc.Findings)
	}
}
