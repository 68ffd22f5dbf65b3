package schema

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTimeSpan(t *testing.T) {
	// Expected values follow the IIS time-span rules in arr-reference.md
	// section 4: hours above 23 without a day part are hours, not days.
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"00:00:30", 30 * time.Second},
		{"00:02:00", 2 * time.Minute},
		{"29:00:00", 29 * time.Hour},
		{"24:00:00", 24 * time.Hour}, // .NET would say 24 days
		{"1.02:03:04.5", 26*time.Hour + 3*time.Minute + 4500*time.Millisecond},
		{"1.00:00:00", 24 * time.Hour},
		{"00:00:00.1", 100 * time.Millisecond},
		{"00:00:00.0000001", 100 * time.Nanosecond},
		{" 00:01:00 ", time.Minute},
		{"-00:00:05", -5 * time.Second},
		{"0:0:5", 5 * time.Second},
		{"30.00:00:00", 30 * 24 * time.Hour},
	}
	for _, c := range cases {
		got, err := ParseTimeSpan(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

func TestParseTimeSpanRejects(t *testing.T) {
	for _, in := range []string{"", "5", "abc", "00:60:00", "00:00:60", "1.24:00:00", "00:00", "00:00:00:00", "00:00:30.", "00:00:30.12345678", "1.2.00:00:00", "+00:00:01", "00:0x:00", "30s"} {
		_, err := ParseTimeSpan(in)
		assert.Error(t, err, in)
	}
}

func TestBareNumberHint(t *testing.T) {
	_, err := ParseTimeSpan("5")
	var te *TimeSpanError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, te.Hint, `"00:00:05"`, "says what was probably meant")
	assert.Contains(t, te.Hint, "5 days", "says what .NET tools make of it")
}

func TestFormatTimeSpanRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{0, time.Second, 30 * time.Second, 2 * time.Minute, 29 * time.Hour, 100 * time.Millisecond, 26*time.Hour + 3*time.Minute + 4500*time.Millisecond, -5 * time.Second, 30 * 24 * time.Hour} {
		s := FormatTimeSpan(d)
		back, err := ParseTimeSpan(s)
		require.NoError(t, err, s)
		assert.Equal(t, d, back, s)
	}
	assert.Equal(t, "1.05:00:00", FormatTimeSpan(29*time.Hour), "printed as IIS tools print it")
	assert.Equal(t, "00:00:00.1", FormatTimeSpan(100*time.Millisecond))
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"30s": 30 * time.Second, "2m": 2 * time.Minute, "1h30m": 90 * time.Minute, "00:00:45": 45 * time.Second, "120ms": 120 * time.Millisecond} {
		got, err := ParseDuration(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := ParseDuration("30")
	assert.ErrorContains(t, err, "no unit")
	_, err = ParseDuration("soon")
	assert.Error(t, err)
}

func FuzzParseTimeSpan(f *testing.F) {
	for _, s := range []string{"00:00:30", "29:00:00", "1.02:03:04.5", "5", "-00:00:01", "00:00:00.1234567", "999999999:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseTimeSpan(s)
		if err != nil {
			return
		}
		// Whatever parses must print and parse back to the same value.
		back, err := ParseTimeSpan(FormatTimeSpan(d))
		if err != nil || back != d {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, d, FormatTimeSpan(d), back, err)
		}
	})
}
