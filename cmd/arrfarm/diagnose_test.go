package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDiagnoseCorpus(t *testing.T) {
	code, out, errOut := runCLI(t, "", nil, "diagnose", "../../fixtures/logs", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Files, Traces int
		Lines         int64
		Groups        []struct{ Status, Count int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// 3 logs + 2 traces; 3+253+567 request lines (see iislog's corpus test) + 2 traces.
	if rep.Files != 5 || rep.Traces != 2 || rep.Lines != 825 || rep.Groups[0].Status != 304 {
		t.Errorf("%+v", rep)
	}
}

func TestDiagnoseBadInput(t *testing.T) {
	for args, want := range map[string]string{
		"../../fixtures/lint":         "has no IIS logs",
		"../../fixtures/nothing-here": "no such file",
		"../../fixtures/corpus/mattgillard-iis-reverse-proxy-web.config": "looks like XML",
		"../../fixtures/logs --by farm":                                  "want one of url, hour, server, client",
		"../../fixtures/logs --format x":                                 "--format",
	} {
		code, _, errOut := runCLI(t, "", nil, append([]string{"diagnose"}, strings.Fields(args)...)...)
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", args, code, errOut, want)
		}
	}
}

func TestDiagnoseStdin(t *testing.T) {
	log := "#Fields: date time sc-status sc-substatus sc-win32-status time-taken\n2024-01-01 00:00:00 502 4 0 1\n"
	code, out, errOut := runCLI(t, log, nil, "diagnose", "-")
	if code != 0 || !strings.Contains(out, "502.4 / 0  1 (100.0%)") || !strings.Contains(out, "looks like the ARR server's log") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}
