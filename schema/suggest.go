package schema

import "strings"

// EditDistance is the optimal-string-alignment distance of a and b in
// bytes: insertions, deletions, substitutions and transpositions of
// neighbours each cost 1, so the typo "wbe" is one edit from "web". Names
// in ARR configurations are ASCII in practice. It keeps three rows, so a
// long hostile input costs memory in proportion to the shorter operand.
func EditDistance(a, b string) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// Closest returns the candidate name most likely meant by name: a
// case-insensitive match, else one that name is a long enough prefix of,
// else the nearest within a small edit distance; "" when none is close.
func Closest(name string, cands []string) string {
	best, bestD := "", 3
	lname := strings.ToLower(name)
	for _, c := range cands {
		if strings.EqualFold(c, name) {
			return c
		}
		lc := strings.ToLower(c)
		if len(name) >= 4 && strings.HasPrefix(lc, lname) && len(c)-len(name) <= len(c)/2 {
			if bestD > 1 {
				best, bestD = c, 1
			}
			continue
		}
		if abs(len(c)-len(name)) >= bestD {
			continue // the distance is at least the difference in length
		}
		if d := EditDistance(lname, lc); d < bestD && d <= len(c)/3+1 {
			best, bestD = c, d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
