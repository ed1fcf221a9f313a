"""Trouble spots on /agent/reports/spots: the counts per category and
wilayat against the period before, and the clusters of nearby cases,
checked against values computed here from the seeded cases with a second
implementation of the grid clustering."""
import csv
import datetime
import html
import io
import math
import random
import re
import unittest
import urllib.parse

import stack

MUSCAT = datetime.timedelta(hours=4)
DAYS = 14
EARTH_RADIUS_M = 6371000.0
# The service area of etc/tawasul.hdf.sample.
AREA = (22.40, 23.90, 57.70, 59.40)

# Each seeded case: day (negative: the period before), category,
# wilayat, and coordinates or None. About 0.001 degree is 100 m.
CASES = [
    # Potholes near Al Khuwair: 4 cases within about 300 m.
    (0, "pothole", "bawshar", (23.6001, 58.4001)),
    (2, "pothole", "bawshar", (23.6012, 58.4009)),
    (5, "pothole", "bawshar", (23.6020, 58.4021)),
    (9, "pothole", "bawshar", (23.6008, 58.4030)),
    # Potholes in As Seeb: 3 cases close together.
    (1, "pothole", "seeb", (23.6700, 58.1900)),
    (3, "pothole", "seeb", (23.6705, 58.1904)),
    (13, "pothole", "seeb", (23.6702, 58.1897)),
    # Lone potholes, far from each other and from the clusters.
    (4, "pothole", "seeb", (23.7000, 58.0500)),
    (6, "pothole", "qurayyat", (23.2600, 58.9100)),
    (7, "pothole", "muttrah", None),
    # Street lights at the first pothole cluster: another category.
    (2, "light_out", "bawshar", (23.6003, 58.4003)),
    (8, "light_out", "bawshar", (23.6010, 58.4010)),
    (11, "light_out", "bawshar", (23.6015, 58.4013)),
    # The period before: fewer potholes in Bawshar, more in Qurayyat.
    (-3, "pothole", "bawshar", (23.6001, 58.4001)),
    (-5, "pothole", "qurayyat", (23.2600, 58.9100)),
    (-6, "pothole", "qurayyat", (23.2601, 58.9101)),
]


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"),
                                           newline="")))


def free_period():
    """Returns the first day of two DAYS-day periods in 2010-2013 in
    which no case was created, so that a rerun on a kept database starts
    afresh."""
    rng = random.Random()
    while True:
        start = datetime.date(2010, 1, 1) + datetime.timedelta(
            days=rng.randint(DAYS, 1400))
        first = datetime.datetime.combine(start, datetime.time()) - MUSCAT
        if stack.count("cases", "created_at >= @p1 AND created_at < @p2",
                       first - datetime.timedelta(days=DAYS),
                       first + datetime.timedelta(days=DAYS + 1)) == 0:
            return start


def distance(lat1, lon1, lat2, lon2):
    """The haversine great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(a, 1)))


def clusters(points, cell_m, min_count):
    """Clusters points (category, lat, lon, ...) like the page promises:
    cells of cell_m metres on the area's equirectangular grid, touching
    cells of one category merged by a flood fill."""
    lat_min, lat_max, lon_min, _ = AREA
    metres = EARTH_RADIUS_M * math.pi / 180
    scale = math.cos(math.radians((lat_min + lat_max) / 2))
    cells = {}
    for point in points:
        row = math.floor((point["lat"] - lat_min) * metres / cell_m)
        col = math.floor((point["lon"] - lon_min) * metres * scale / cell_m)
        cells.setdefault((point["category"], row, col), []).append(point)
    seen, found = set(), []
    for start in cells:
        if start in seen:
            continue
        seen.add(start)
        stack_, members = [start], []
        while stack_:
            category, row, col = stack_.pop()
            members += cells[(category, row, col)]
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    other = (category, row + dr, col + dc)
                    if other in cells and other not in seen:
                        seen.add(other)
                        stack_.append(other)
        if len(members) >= min_count:
            found.append(members)
    return found


def describe(members):
    """Returns the CSV cells the page should give a cluster."""
    lat = sum(m["lat"] for m in members) / len(members)
    lon = sum(m["lon"] for m in members) / len(members)
    radius = max(distance(lat, lon, m["lat"], m["lon"]) for m in members)
    wilayats = {m["wilayat"] for m in members}
    fmt = lambda t: (t + MUSCAT).strftime("%Y-%m-%d %H:%M")
    return {
        "category": members[0]["category"],
        "cases": str(len(members)),
        "centre_lat": "%.6f" % lat,
        "centre_lon": "%.6f" % lon,
        "radius_m": "%.0f" % radius,
        "first_case": fmt(min(m["created"] for m in members)),
        "last_case": fmt(max(m["created"] for m in members)),
        "wilayat": wilayats.pop() if len(wilayats) == 1 else "",
        "case_numbers": " ".join(sorted(m["number"] for m in members)),
    }


class SpotsTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.supervisor = stack.StaffBrowser("supervisor")
        cls.start = free_period()
        cls.end = cls.start + datetime.timedelta(days=DAYS - 1)
        cls.period = "from=%s&to=%s" % (cls.start, cls.end)
        cls.seeded = []
        for day, category, wilayat, coords in CASES:
            number = stack.file_case(category, wilayat=wilayat, lat="", lon="")
            created = datetime.datetime.combine(
                cls.start + datetime.timedelta(days=day),
                datetime.time(9, 30)) - MUSCAT + datetime.timedelta(minutes=len(cls.seeded))
            lat, lon = coords if coords else (None, None)
            stack.sql("UPDATE cases SET created_at = @p1, lat = NULLIF(@p2, ''),"
                      " lon = NULLIF(@p3, '') WHERE number = @p4",
                      created, "" if lat is None else lat,
                      "" if lon is None else lon, number)
            cls.seeded.append(dict(number=number, day=day, category=category,
                                   wilayat=wilayat, lat=lat, lon=lon,
                                   created=created))

    def in_period(self):
        return [c for c in self.seeded if c["day"] >= 0]

    def expected_areas(self, min_count):
        out = {}
        for case in self.seeded:
            key = (case["category"], case["wilayat"])
            counts = out.setdefault(key, [0, 0])
            counts[0 if case["day"] >= 0 else 1] += 1
        rows = {}
        for (category, wilayat), (now, before) in out.items():
            if now == 0:
                continue
            rows[(category, wilayat)] = {
                "cases": str(now), "previous_cases": str(before),
                # The CSV writer quotes a leading sign with an apostrophe,
                # so that spreadsheets read no formula.
                "change_percent": "'%+.0f" % (100.0 * (now - before) / before)
                if before else "",
                "flagged": "1" if now >= min_count and now > before else "0"}
        return rows

    def expected_clusters(self, cell_m, min_count, category=None):
        points = [c for c in self.in_period() if c["lat"] is not None
                  and (category is None or c["category"] == category)]
        found = [describe(m) for m in clusters(points, cell_m, min_count)]
        return sorted(found, key=lambda c: c["case_numbers"])

    def get_csv(self, query, table):
        response = self.supervisor.get("/agent/reports/spots?%s&%s&format=csv&table=%s"
                                       % (self.period, query, table))
        self.assertEqual(response.status, 200)
        self.assertIn("text/csv", response.header("Content-Type"))
        return csv_rows(response)

    def test_areas_against_previous_period(self):
        for min_count in (1, 3, 4):
            with self.subTest(min=min_count):
                rows = self.get_csv("min=%d" % min_count, "areas")
                got = {(r["category"], r["wilayat"]): {
                    k: r[k] for k in ("cases", "previous_cases", "change_percent",
                                      "flagged")} for r in rows}
                self.assertEqual(got, self.expected_areas(min_count))

    def test_clusters_match_independent_computation(self):
        for cell_m, min_count in ((300, 3), (300, 2), (100, 2), (2000, 1), (1000, 5)):
            with self.subTest(cell=cell_m, min=min_count):
                rows = self.get_csv("cell=%d&min=%d" % (cell_m, min_count), "clusters")
                got = []
                for row in rows:
                    row.pop("cluster")
                    row.pop("category_name")
                    row["case_numbers"] = " ".join(sorted(row["case_numbers"].split()))
                    got.append(row)
                got.sort(key=lambda c: c["case_numbers"])
                self.assertEqual(got, self.expected_clusters(cell_m, min_count))

    def test_expected_clusters_are_the_seeded_groups(self):
        """Guards the seed itself: at 300 m and 3 cases, the two pothole
        groups and the street lights are the clusters."""
        found = self.expected_clusters(300, 3)
        self.assertEqual(sorted((c["category"], c["cases"]) for c in found),
                         [("light_out", "3"), ("pothole", "3"), ("pothole", "4")])

    def test_category_filter(self):
        rows = self.get_csv("category=light_out&min=1", "clusters")
        self.assertEqual({r["category"] for r in rows}, {"light_out"})
        self.assertEqual(len(rows), len(self.expected_clusters(300, 1, "light_out")))
        areas = self.get_csv("category=light_out&min=1", "areas")
        self.assertEqual([(r["category"], r["wilayat"], r["cases"]) for r in areas],
                         [("light_out", "bawshar", "3")])

    def test_page_table_and_map(self):
        page = self.supervisor.get("/agent/reports/spots?%s&min=3&cell=300" % self.period)
        self.assertEqual(page.status, 200)
        expected = self.expected_clusters(300, 3)
        svg = page.text.split('id="spots-map"')[1].split("</svg>")[0]
        circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', svg)
        self.assertEqual(len(circles), len(expected))
        self.assertNotIn("http", svg, "the map loads nothing from elsewhere")

        width = float(re.search(r'<rect class="area" x="0" y="0" width="([\d.]+)"',
                                svg).group(1))
        height = float(re.search(r'<rect class="area"[^>]* height="([\d.]+)"',
                                 svg).group(1))
        lat_min, lat_max, lon_min, lon_max = AREA
        for cx, cy, r in circles:
            self.assertTrue(0 <= float(cx) <= width and 0 <= float(cy) <= height)

        # Each cluster's centre is drawn where its coordinates are.
        drawn = sorted((float(cx), float(cy)) for cx, cy, _ in circles)
        # The frame's height is rounded up to a whole unit, so y may be
        # up to one unit off.
        wanted = sorted((
            (float(c["centre_lon"]) - lon_min) / (lon_max - lon_min) * width,
            (lat_max - float(c["centre_lat"])) / (lat_max - lat_min) * height)
            for c in expected)
        for (x, y), (wx, wy) in zip(drawn, wanted):
            self.assertAlmostEqual(x, wx, delta=0.2)
            self.assertAlmostEqual(y, wy, delta=1.1)

        table = page.text.split('id="clusters"')[1].split("</table>")[0]
        for cluster in expected:
            for number in cluster["case_numbers"].split():
                self.assertIn('href="/agent/cases/%s"' % number, table)

        areas = page.text.split('id="areas"')[1].split("</table>")[0]
        flagged = re.findall(r'<tr data-key="([^"]+)" class="flagged">', areas)
        self.assertEqual(sorted(flagged), sorted(
            "%s/%s" % key for key, row in self.expected_areas(3).items()
            if row["flagged"] == "1"))
        self.assertIn('href="/agent/cases?category=pothole&amp;wilayat=bawshar"', areas)

    def test_link_from_reports(self):
        page = self.supervisor.get("/agent/reports")
        self.assertIn('href="/agent/reports/spots"', page.text)

    def test_bad_input_keeps_values(self):
        cases = [
            ("from=%s&to=%s" % (self.end, self.start), "to", "Agent.Figures.BadPeriod"),
            ("from=2024-01-01&to=2025-06-01", "from", "Agent.Spots.LongPeriod"),
            ("from=2024-02-30", "from", "Agent.Figures.BadDate"),
            ("min=0", "min", "Agent.Spots.BadMin"),
            ("min=2.5", "min", "Agent.Spots.BadMin"),
            ("cell=10", "cell", "Agent.Spots.BadCell"),
            ("cell=50", "cell", "Agent.Spots.BadCell"),
            ("cell=abc", "cell", "Err.Number"),
            ("category=no_such", "category", "Err.Choice"),
            ("directorate=no_such", "directorate", "Err.Choice"),
            ("format=pdf", "format", "Err.Choice"),
        ]
        for query, field, key in cases:
            for lang in ("en", "ar"):
                with self.subTest(query=query, lang=lang):
                    browser = stack.StaffBrowser("supervisor", lang=lang)
                    page = browser.get("/agent/reports/spots?" + query)
                    self.assertEqual(page.status, 422)
                    self.assertIn(html.escape(stack.message(lang, key), quote=True)
                                  .replace("&#x27;", "&#39;"), page.text)
                    if field in ("min", "cell"):
                        value = query.split("=", 1)[1]
                        self.assertEqual(stack.form_value(page, field), value)

    def test_arabic_digits_accepted(self):
        rows = self.get_csv("min=%s" % urllib.parse.quote(stack.arabic_indic("3")),
                            "areas")
        got = {(r["category"], r["wilayat"]): r["flagged"] for r in rows}
        self.assertEqual(got, {k: v["flagged"] for k, v in self.expected_areas(3).items()})

    def test_roles(self):
        agent = stack.StaffBrowser("agent")
        self.assertEqual(agent.get("/agent/reports/spots").status, 403)
        head = stack.StaffBrowser("head", directorate_code="lighting")
        rows = csv_rows(head.get("/agent/reports/spots?%s&min=1&format=csv"
                                 "&table=clusters&directorate=roads" % self.period))
        self.assertEqual({r["category"] for r in rows}, {"light_out"})
        page = head.get("/agent/reports/spots?%s" % self.period)
        self.assertIn('id="report-scoped"', page.text)


class ManyClustersTest(unittest.TestCase):
    """A period where nearly every case is its own cluster: the page lists
    and draws only the largest CLUSTERS_SHOWN and shows how many there
    are, and the CSV keeps them all."""
    SHOWN = 200  # CLUSTERS_SHOWN of cgi-bin/agent-spots.c
    EXTRA = 7

    @classmethod
    def setUpClass(cls):
        cls.supervisor = stack.StaffBrowser("supervisor")
        start = free_period()
        cls.period = "from=%s&to=%s" % (start, start + datetime.timedelta(days=DAYS - 1))
        seed = stack.file_case("pothole", wilayat="seeb", lat="", lon="")
        created = datetime.datetime.combine(start, datetime.time(9)) - MUSCAT
        columns = ", ".join(r[0] for r in stack.sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " DATABASE() AND table_name = 'cases' AND column_name NOT IN"
            " ('id', 'number', 'form_token', 'lat', 'lon', 'created_at')"))
        cls.total = cls.SHOWN + cls.EXTRA
        # Copies of one case, one in each 0.01 degree (about 1 km) square,
        # so that no two touch at a 300 m cell. Real case numbers never
        # start with zero (lib/casenum.c), these do.
        base = random.randrange(0, 9000000)
        stack.sql(
            "INSERT INTO cases (%s, number, lat, lon, created_at)"
            " WITH RECURSIVE seq (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq"
            " WHERE n < @p3 - 1)"
            " SELECT %s, CONCAT('0', LPAD(@p2 + n, 7, '0')), 22.5 + (n DIV 30) * 0.01,"
            " 57.8 + (n MOD 30) * 0.01, @p4 FROM cases, seq WHERE number = @p1"
            % (columns, columns), seed, base, cls.total, created)
        # The seed itself joins the first copy: the largest cluster has
        # two cases.
        stack.sql("UPDATE cases SET lat = 22.5001, lon = 57.8001, created_at = @p2"
                  " WHERE number = @p1", seed, created)

    def test_page_capped_csv_complete(self):
        page = self.supervisor.get("/agent/reports/spots?%s&min=1&cell=300" % self.period)
        self.assertEqual(page.status, 200)
        table = page.text.split('id="clusters"')[1].split("</table>")[0]
        rows = re.findall(r'<tr data-key="(\d+)">', table)
        self.assertEqual(rows, [str(i + 1) for i in range(self.SHOWN)])
        svg = page.text.split('id="spots-map"')[1].split("</svg>")[0]
        self.assertEqual(len(re.findall(r"<circle ", svg)), self.SHOWN)
        self.assertEqual(stack.attribute(page, "clusters-capped", "role"), "status")
        notice = re.search(r'id="clusters-capped">(.*?)</p>', page.text, re.S).group(1)
        self.assertIn('class="shown">%d<' % self.SHOWN, notice)
        self.assertIn('class="total">%d<' % self.total, notice)
        first = re.search(r'<tr data-key="1">.*?<td class="count">(\d+)</td>', table, re.S)
        self.assertEqual(first.group(1), "2")
        rows = csv_rows(self.supervisor.get(
            "/agent/reports/spots?%s&min=1&cell=300&format=csv&table=clusters" % self.period))
        self.assertEqual(len(rows), self.total)
        self.assertEqual(sum(int(r["cases"]) for r in rows), self.total + 1)
        few = self.supervisor.get("/agent/reports/spots?%s&min=2&cell=300" % self.period)
        self.assertNotIn('id="clusters-capped"', few.text)
        table = few.text.split('id="clusters"')[1].split("</table>")[0]
        self.assertEqual(len(re.findall(r'<tr data-key="', table)), 1)
