// Fixture for the expression evaluator in C++: references, members of a
// base class, this and its implicit members, a namespace global, and a
// function named in an expression.
namespace geo {
int counter = 3;
}

struct Shape {
	virtual ~Shape() {}
	int id = 7;
};

struct Circle : Shape {
	double r = 2.5;
	int scaled(int k) const {
		return (int)(r * k) + id; // BP:cpp_member
	}
};

int by_ref(int &ref, const Circle &c) {
	ref += geo::counter;
	return ref + c.scaled(2); // BP:cpp_ref
}

int main() {
	int v = 41;
	Circle c;
	return by_ref(v, c) == 56 ? 0 : 1;
}
