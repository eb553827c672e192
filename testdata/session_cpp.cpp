// session_cpp.cpp: a C++ method and a template, for frame names.
#include <cstdio>

namespace shapes {
struct Square {
	int side;
	int area() const {
		return side * side; // BP:cpp_area
	}
};
} // namespace shapes

template <typename T> int total(const T *v, int n) {
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += v[i].area(); // BP:cpp_total
	return sum;
}

int main() {
	shapes::Square sq[2] = {{3}, {4}};
	std::printf("%d\n", total(sq, 2));
	return 0;
}
