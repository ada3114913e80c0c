platform { root_ports = { port { slot = 1, link = { gen = 3, widht = 7 } } } }
