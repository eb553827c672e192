package readmeconf

import (
	"fmt"
)

// ToJSON turns a value into what nvim-dap would send for it: a string,
// float64, bool or nil as is; a table of positional fields as a []any and
// one of named fields as a map[string]any (an empty table as an empty
// array, as vim.json.encode writes it). Each Func is handed to evaluate with
// the key it stands under (the innermost named field, "" at the top), and
// its result is used instead: evaluate decides what the function
// or call would have returned. A Func among positional fields stands under
// its table's key.
func ToJSON(v Value, evaluate func(key string, f Func) (any, error)) (any, error) {
	return toJSON(v, "", evaluate)
}

func toJSON(v Value, key string, evaluate func(string, Func) (any, error)) (any, error) {
	switch v := v.(type) {
	case nil, string, float64, bool:
		return v, nil
	case Func:
		return evaluate(key, v)
	case *Table:
		if len(v.Items) > 0 && len(v.Fields) > 0 {
			return nil, fmt.Errorf("table of line %d mixes positional and named fields: it is neither a JSON array nor an object", v.Line)
		}
		if len(v.Fields) > 0 {
			out := make(map[string]any, len(v.Fields))
			for _, k := range v.Keys {
				j, err := toJSON(v.Fields[k], k, evaluate)
				if err != nil {
					return nil, err
				}
				out[k] = j
			}
			return out, nil
		}
		out := make([]any, 0, len(v.Items))
		for _, item := range v.Items {
			j, err := toJSON(item, key, evaluate)
			if err != nil {
				return nil, err
			}
			out = append(out, j)
		}
		return out, nil
	}
	return nil, fmt.Errorf("value %v of type %T is outside the Lua subset", v, v)
}
