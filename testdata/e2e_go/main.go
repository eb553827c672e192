// The end-to-end tests' Go program (e2e/): eight goroutines busy at once (so
// the runtime preempts them with SIGURG), then one call to add, output on
// both streams, and exit code 3.
package main

import (
	"fmt"
	"os"
	"sync"
)

//go:noinline
func add(a, b int) int {
	r := a + b // BP:goadd
	return r
}

func main() {
	var wg sync.WaitGroup
	sums := make([]int, 8)
	for g := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20_000_000 {
				sums[g] += i & 7
			}
		}()
	}
	wg.Wait()
	fmt.Println("goroutines done:", sums[0])
	fmt.Fprintln(os.Stderr, "to stderr")
	fmt.Println("sum", add(2, 3))
	os.Exit(3)
}
