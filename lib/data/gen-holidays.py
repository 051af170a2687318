#!/usr/bin/python3
# gen-holidays.py - regenerate holidays-cn.csv and holidays-my.csv (2000-2040).
# Needs Debian python3-lunardate and python3-convertdate.  See README.
import datetime as dt
from lunardate import LunarDate
from convertdate import islamic

Y0, Y1 = 2000, 2040
D = dt.date
ONE = dt.timedelta(days=1)

def lunar(y, m, d):
    s = LunarDate(y, m, d).toSolarDate()
    return D(s.year, s.month, s.day)

def lunar_eve(y):
    return lunar(y, 1, 1) - ONE

def hijri(gy, hm, hd):
    """Gregorian date in year gy of hijri month hm day hd (tabular)."""
    out = []
    hy0 = islamic.from_gregorian(gy, 1, 1)[0]
    for hy in (hy0, hy0 + 1):
        g = D(*islamic.to_gregorian(hy, hm, hd))
        if g.year == gy:
            out.append(g)
    return out

def new_moon_days(a, b):
    """Days in [a, b] that begin a Chinese lunar month (new moon, UTC+8)."""
    x, out = a, []
    while x <= b:
        if LunarDate.fromSolarDate(x.year, x.month, x.day).day == 1:
            out.append(x)
        x += ONE
    return out

def qingming(y):
    # solar term 清明 (sun at 15 deg): 21st-century rule of thumb, checked
    # against the 2000-2040 published dates (Apr 4 or 5).
    yy = y % 100
    return D(y, 4, int(yy * 0.2422 + 4.81) - yy // 4)

# Deepavali as gazetted in Malaysia 2010-2024 (festival day, not the day in
# lieu), from workalendar 17.0 (workalendar/asia/malaysia.py).
DEEPAVALI = {2010: D(2010, 11, 5), 2011: D(2011, 10, 26), 2012: D(2012, 11, 13),
             2013: D(2013, 11, 2), 2014: D(2014, 10, 22), 2015: D(2015, 11, 10),
             2016: D(2016, 10, 29), 2017: D(2017, 10, 18), 2018: D(2018, 11, 6),
             2019: D(2019, 10, 27), 2020: D(2020, 11, 14), 2021: D(2021, 11, 4),
             2022: D(2022, 10, 24), 2023: D(2023, 11, 12), 2024: D(2024, 10, 31)}

def deepavali(y):
    if y in DEEPAVALI:
        return DEEPAVALI[y], "workalendar-gazette"
    nm = new_moon_days(D(y, 10, 18), D(y, 11, 16))
    return nm[0] - ONE, "new-moon-rule"

SRC_L = "lunardate"
SRC_I = "tabular-hijri"
rows = {"cn": [], "my": []}

for y in range(Y0, Y1 + 1):
    cn = rows["cn"]
    cn.append((D(y, 1, 1), "new_year", 1, "fixed"))
    cn.append((lunar_eve(y), "spring_festival", 7 if y < 2024 else 8, SRC_L))
    cn.append((lunar(y, 1, 15), "lantern_festival", 1, SRC_L))
    cn.append((qingming(y), "qingming", 1, "solar-term"))
    cn.append((D(y, 5, 1), "labour_day", 7 if y < 2008 else (3 if y < 2020 else 5), "gb-holiday-rules"))
    cn.append((lunar(y, 5, 5), "dragon_boat", 1, SRC_L))
    cn.append((lunar(y, 8, 15), "mid_autumn", 1, SRC_L))
    cn.append((D(y, 10, 1), "national_day", 7, "fixed"))
    my = rows["my"]
    my.append((D(y, 1, 1), "new_year", 1, "fixed"))
    my.append((lunar(y, 1, 1), "chinese_new_year", 2, SRC_L))
    my.append((D(y, 5, 1), "labour_day", 1, "fixed"))
    my.append((lunar(y, 4, 15), "wesak", 1, SRC_L))
    my.append((D(y, 8, 31), "national_day", 1, "fixed"))
    my.append((D(y, 9, 16), "malaysia_day", 1, "fixed"))
    dd, src = deepavali(y)
    my.append((dd, "deepavali", 1, src))
    my.append((D(y, 12, 25), "christmas", 1, "fixed"))
    for g in hijri(y, 9, 1):
        n = (D(*islamic.to_gregorian(islamic.from_gregorian(g.year, g.month, g.day)[0], 10, 1)) - g).days
        my.append((g, "ramadan", n, SRC_I))
    for g in hijri(y, 10, 1):
        my.append((g, "hari_raya_aidilfitri", 2, SRC_I))
    for g in hijri(y, 12, 10):
        my.append((g, "hari_raya_haji", 1, SRC_I))
    for g in hijri(y, 1, 1):
        my.append((g, "awal_muharram", 1, SRC_I))
    for g in hijri(y, 3, 12):
        my.append((g, "maulidur_rasul", 1, SRC_I))

for k, rs in rows.items():
    rs.sort()
    with open("holidays-%s.csv" % k, "w") as f:
        f.write("date,name,days,source\n")
        for d, n, days, s in rs:
            f.write("%s,%s,%d,%s\n" % (d.isoformat(), n, days, s))
