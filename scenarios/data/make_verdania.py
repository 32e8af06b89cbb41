#!/usr/bin/env python3
"""Writes the fictional 'Verdania' example (README "Import"): five provinces as GeoJSON
(one a MultiPolygon with an island), 300 outlets and 10 distributors as member tables in
lat/lon, and a 5 km population grid. Deterministic (fixed seed); run from this folder.

Positions are made in km on a 220 x 150 km map whose south-west corner is at 45.0 N, 10.0 E,
then converted to lat/lon with the inverse of chansim's equirectangular projection
(sim/io/import/geo_import.hpp), so a reader that projects them gets the km back."""
import json
import math
import random

R = 6371.0088
LAT0, LON0 = 45.0, 10.0
W, H = 220.0, 150.0
rng = random.Random(20261203)


def to_latlon(x, y):
    lat = LAT0 + math.degrees(y / R)
    lon = LON0 + math.degrees(x / (R * math.cos(math.radians(LAT0))))
    return round(lat, 6), round(lon, 6)


# province boundaries: four wavy north-south lines sampled every 10 km (piecewise linear)
YS = [10.0 * k for k in range(16)]
BASE = [40.0, 80.0, 125.0, 165.0]
BOUND = [[b + 6 * math.sin(y / 17.0 + i) for y in YS] for i, b in enumerate(BASE)]
NAMES = ["Altmark", "Bresco", "Calvera", "Dunmoor", "Estrel"]
ISLAND = [(205, 60), (215, 60), (215, 72), (205, 72)]  # belongs to Estrel


def boundary_x(i, y):
    k = min(int(y // 10), len(YS) - 2)
    t = (y - YS[k]) / 10.0
    return BOUND[i][k] * (1 - t) + BOUND[i][k + 1] * t


def province_of(x, y):
    if 205 <= x <= 215 and 60 <= y <= 72:
        return 4
    if x > 200:
        return -1  # sea
    for i in range(4):
        if x < boundary_x(i, y):
            return i
    return 4


def ring(points):
    pts = [list(to_latlon(x, y))[::-1] for x, y in points]  # GeoJSON: [lon, lat]
    return pts + [pts[0]]


features = []
for p in range(5):
    left = [(0.0, y) for y in YS] if p == 0 else [(BOUND[p - 1][k], YS[k]) for k in range(len(YS))]
    right = [(200.0, y) for y in YS] if p == 4 else [(BOUND[p][k], YS[k]) for k in range(len(YS))]
    outline = left[::-1] + right  # north to south on the left, south to north on the right
    outline = [left[-1]] + left[::-1][1:] + right  # counter-clockwise: down the west side, up the east
    geometry = {"type": "Polygon", "coordinates": [ring(outline)]}
    if p == 4:
        geometry = {"type": "MultiPolygon", "coordinates": [[ring(outline)], [ring(ISLAND)]]}
    features.append({"type": "Feature", "properties": {"name": NAMES[p]}, "geometry": geometry})
with open("verdania_provinces.geojson", "w") as f:
    json.dump({"type": "FeatureCollection", "features": features}, f, separators=(",", ":"))
    f.write("\n")

CITIES = [(20, 30, 1.0), (30, 115, 0.6), (60, 70, 1.4), (100, 40, 0.8), (105, 120, 1.1), (145, 80, 0.9),
          (180, 30, 0.7), (185, 125, 0.5), (210, 66, 0.2)]


def near_boundary(x, y):
    return any(abs(x - boundary_x(i, y)) < 0.5 for i in range(4))


def draw_point(spread):
    while True:
        cx, cy, _ = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
        x, y = rng.gauss(cx, spread), rng.gauss(cy, spread)
        if 0 < x < W and 0 < y < H and province_of(x, y) >= 0 and not near_boundary(x, y):
            return x, y


with open("verdania_distributors.csv", "w") as f:
    f.write("id,name,lat,lon,territory\n")
    for p in range(5):
        for k in range(2):
            x, y = draw_point(4)
            while province_of(x, y) != p:
                x, y = draw_point(4)
            lat, lon = to_latlon(x, y)
            f.write(f"D{p}{k},{NAMES[p]} Wholesale {k + 1},{lat},{lon},{NAMES[p]}\n")
dist = {}
with open("verdania_distributors.csv") as f:
    next(f)
    for line in f:
        i, _, _, _, t = line.strip().split(",")
        dist.setdefault(t, []).append(i)

with open("verdania_outlets.csv", "w") as f:
    f.write("id,name,lat,lon,supplier,territory,price_factor,service_level\n")
    for k in range(300):
        x, y = draw_point(9)
        p = province_of(x, y)
        lat, lon = to_latlon(x, y)
        factor = round(rng.uniform(0.9, 1.1), 3)
        service = round(rng.uniform(0.5, 0.9), 2)
        f.write(f"S{k:03d},Store {k:03d},{lat},{lon},{rng.choice(dist[NAMES[p]])},{NAMES[p]},{factor},{service}\n")

with open("verdania_population.csv", "w") as f:
    f.write("lat,lon,weight\n")
    for gx in range(44):
        for gy in range(30):
            x, y = 2.5 + 5 * gx, 2.5 + 5 * gy
            if province_of(x, y) < 0:
                continue
            density = sum(c[2] * math.exp(-((x - c[0]) ** 2 + (y - c[1]) ** 2) / (2 * 12.0**2)) for c in CITIES)
            people = round(25 * (20 * density + 1))  # 25 km^2 cells, rural floor 25 people
            lat, lon = to_latlon(x, y)
            f.write(f"{lat},{lon},{people}\n")
