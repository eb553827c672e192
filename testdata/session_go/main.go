// Command session_go is the Go fixture of the session tests: a few
// goroutines (so the runtime starts threads and preempts with SIGURG), then
// one function called from main with a breakpoint marker.
package main

import (
	"fmt"
	"os"
	"sync"
)

func square(x int) int {
	y := x * x // BP:go_square
	return y
}

func main() {
	var wg sync.WaitGroup
	sums := make([]int, 4)
	for i := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100000 {
				sums[i] += j % (i + 2)
			}
		}()
	}
	wg.Wait()
	fmt.Println("square", square(7))
	os.Exit(5)
}
