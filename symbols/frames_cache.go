package symbols

import (
	"debug/dwarf"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
)

// imageS2 holds what unwinding, variables and types read lazily from one
// image: call-frame info, DIE trees of functions, decoded types. It lives in
// Image.s2 so it is released with the image.
type imageS2 struct {
	cfi        *cfiIndex                         // nil until the first unwind through the image
	types      map[dwarf.Offset]godwarf.Type     // decoded types, shared by all their users
	bitOffsets map[dwarf.Offset]map[string]int64 // struct type -> bit field -> DW_AT_data_bit_offset
	trees      map[dwarf.Offset]*godwarf.Tree    // function DIE -> its scopes and variables
	cus        map[dwarf.Offset]*compileUnitInfo // compile unit DIE -> what location lists need
	locs       *locationLists                    // .debug_loc / .debug_loclists readers
	bases      map[dwarf.Offset][]baseClass      // C++ class type -> its base classes
	globals    map[string][]globalRef            // global variables by name (LookupVariable)
	typeNames  map[string]dwarf.Offset           // named type definitions (FindType, exprtypes.go)
	enums      map[string]dwarf.Offset           // enumerator name -> its enumeration type (FindEnumerator)
	cplus      bool                              // the image is a C++ program (isCPlusPlus)
	langSet    bool
}
