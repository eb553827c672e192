// Command tracergoroutines runs many goroutines long enough for the Go
// runtime to preempt them with SIGURG and create threads, and prints a
// result that does not depend on scheduling.
package main

import (
	"fmt"
	"hash/fnv"
	"os"
	"runtime"
	"strconv"
	"sync"
)

func work(seed, rounds int) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	x := uint64(seed)
	for i := 0; i < rounds; i++ {
		for j := range buf {
			buf[j] = byte(x >> (8 * j))
		}
		h.Write(buf[:])
		x = h.Sum64()
	}
	return x
}

func main() {
	goroutines, rounds := 64, 200000
	if len(os.Args) > 2 {
		goroutines, _ = strconv.Atoi(os.Args[1])
		rounds, _ = strconv.Atoi(os.Args[2])
	}
	results := make([]uint64, goroutines)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			results[g] = work(g, rounds)
			runtime.Gosched()
		}(g)
	}
	wg.Wait()
	for g, r := range results {
		fmt.Printf("%d %x\n", g, r)
	}
}
