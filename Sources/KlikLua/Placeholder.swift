// KlikLua
