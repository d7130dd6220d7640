//go:build race

package rules

// raceEnabled: the race detector slows the regexp engine tenfold, so the
// long differential tests do less.
const raceEnabled = true
