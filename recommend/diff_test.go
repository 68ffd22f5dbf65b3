package recommend

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
)

// applyUnified applies a unified diff to old the way patch does without
// fuzz: every hunk's context and removed lines must be the old file's
// lines at the hunk's position. It fails the test when they are not.
func applyUnified(t *testing.T, old, diff string) string {
	t.Helper()
	src := strings.SplitAfter(old, "\n")
	var out []string
	next := 0 // index in src of the first line not yet copied
	lines := strings.SplitAfter(diff, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "@@ -") {
			continue
		}
		from, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(l, "@@ -"), ",", 2)[0])
		if err != nil {
			t.Fatalf("bad hunk header %q", l)
		}
		for ; next < from-1; next++ {
			out = append(out, src[next])
		}
		for i+1 < len(lines) && lines[i+1] != "" && !strings.HasPrefix(lines[i+1], "@@") {
			i++
			body := lines[i][1:]
			switch lines[i][0] {
			case ' ', '-':
				if next >= len(src) || src[next] != body {
					t.Fatalf("the patch does not apply at line %d: has %q, the file %q", next+1, body, src[min(next, len(src)-1)])
				}
				if lines[i][0] == ' ' {
					out = append(out, body)
				}
				next++
			case '+':
				out = append(out, body)
			}
		}
	}
	return strings.Join(append(out, src[next:]...), "")
}

const diffFarm = `<configuration>
  <webFarms>
    <webFarm name="web" adminUserName="admin" adminPassword="hunter2hunter2">
      <server address="svc:addrPw@10.0.0.11" />
      <applicationRequestRouting>
        <protocol timeout="00:00:01" />
        <healthCheck url="http://web/health" interval="00:00:05" />
      </applicationRequestRouting>
      <!-- clientCertPassword="[enc:AesProvider:Y29tbWVudA==:enc]" -->
    </webFarm>
  </webFarms>
</configuration>
`

var diffSecrets = []string{"hunter2", "addrPw", "Y29tbWVudA"}

func loadLines(t *testing.T, src string) *schema.Lines {
	t.Helper()
	doc, err := schema.Load("applicationHost.config", []byte(src), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return doc.Lines
}

// TestDiffLeavesSecretContextOut: the password two lines above the change
// and the server address just above it are context a patch may omit; the
// patch then still applies, byte for byte.
func TestDiffLeavesSecretContextOut(t *testing.T) {
	lines := loadLines(t, diffFarm)
	newText := strings.Replace(diffFarm, `timeout="00:00:01"`, `timeout="00:00:41"`, 1)
	diff, masked := UnifiedDiff("applicationHost.config", lines, []byte(newText))
	for _, s := range diffSecrets {
		if strings.Contains(diff, s) {
			t.Errorf("the patch shows %q:\n%s", s, diff)
		}
	}
	if len(masked) != 0 {
		t.Errorf("masked lines %v, want none: the secrets are context that can be left out", masked)
	}
	if got := applyUnified(t, diffFarm, diff); got != newText {
		t.Errorf("the patch gives\n%s\nwant\n%s", got, newText)
	}
	if !strings.Contains(diff, "<applicationRequestRouting>") {
		t.Errorf("the context next to the change is gone:\n%s", diff)
	}
}

// TestDiffMasksSecretsItMustShow: a change on the line of a password (one
// start tag) and a secret as the only context line: masked, and named.
func TestDiffMasksSecretsItMustShow(t *testing.T) {
	src := "<configuration><webFarms>\n" +
		`<webFarm name="web" adminPassword="hunter2hunter2"><applicationRequestRouting><protocol timeout="00:00:01" /></applicationRequestRouting>` + "\n" +
		`<server address="svc:addrPw@10.0.0.11" />` + "\n" +
		"</webFarm></webFarms></configuration>\n"
	lines := loadLines(t, src)
	newText := strings.Replace(src, `timeout="00:00:01"`, `timeout="00:00:41"`, 1)
	diff, masked := UnifiedDiff("applicationHost.config", lines, []byte(newText))
	for _, s := range diffSecrets {
		if strings.Contains(diff, s) {
			t.Errorf("the patch shows %q:\n%s", s, diff)
		}
	}
	if fmt.Sprint(masked) != "[2 3]" {
		t.Errorf("masked lines %v, want [2 3] (the changed line, the only trailing context)", masked)
	}
	if !strings.Contains(diff, `+<webFarm name="web" adminPassword="****"><applicationRequestRouting><protocol timeout="00:00:41" />`) {
		t.Errorf("the change is not shown with its password masked:\n%s", diff)
	}
}
