//go:build !race

package arch

// raceEnabled is true when the tests run under the race detector, which
// makes the decoder about ten times slower.
const raceEnabled = false
