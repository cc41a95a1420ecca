print("klik")
