package symbols

// imageS2 holds what unwinding, variables and types read lazily from one
// image: call-frame info, DIE trees of functions, decoded types. It lives in
// Image.s2 so it is released with the image.
type imageS2 struct {
	cfi *cfiIndex // nil until the first unwind through the image
}
