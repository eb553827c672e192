// C++ values for the symbols variable tests: references, a class with a
// base class, this, a namespace global.
namespace geo {
int counter = 3;
}

struct Shape {
	virtual ~Shape() {}
	int id = 7;
};

struct Circle : Shape {
	double r = 2.5;
	double area() const {
		return r * r * 3.0; // BP:cpp_method
	}
};

int by_ref(int &ref, const Circle &c) {
	ref += geo::counter;
	return ref + (int)c.area(); // BP:cpp_by_ref
}

int main() {
	int v = 41;
	Circle c;
	return by_ref(v, c) == 62 ? 0 : 1;
}
