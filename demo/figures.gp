# demo/figures.gp: the study's three figures, published beside measured.
#
#   gnuplot -e "dir='DIR'; scale='S'" demo/figures.gp
#
# Reads DIR/fig1.dat, fig2.dat and fig3.dat (written by demo/report.sql:
# a quoted label, then published and measured values, NaN for a
# suppressed one; the study's 7, 10 and 8 groups) and writes DIR/fig1-users-by-age-group.png,
# fig2-share-using-by-decile.png and fig3-time-per-visit-by-age-group.png.

if (!exists("dir")) dir = "demo/out"
if (!exists("scale")) scale = "?"
set terminal pngcairo size 960,560 enhanced font "DejaVu Sans,11"
set encoding utf8
set datafile separator "\t"
set datafile missing "NaN"
set style data histograms
set style histogram clustered gap 1.5
set style fill solid 1.0 border rgb "#333333"
set boxwidth 0.9
set grid ytics lc rgb "#dddddd"
set key top left reverse Left noautotitle
set border 3
set xtics nomirror
set ytics nomirror
set yrange [0:*]
week = "demo week of 6 to 12 February 2017, scale ".scale
published = "#9ecae1"
measured = "#08519c"
pop_published = "#d9d9d9"
pop_measured = "#636363"

set output dir."/fig1-users-by-age-group.png"
set title "Figure 1: users and population aged 14 and over by age group\n{/*0.8 ".week."}"
set ylabel "% of all users / of the population"
set xlabel "age in completed years on the first day of the week"
set xrange [-0.6:6.6]
set offsets 0, 0, 2, 0
plot dir."/fig1.dat" using 2:xtic(1) lc rgb published title "users, published", \
     "" using 3 lc rgb measured title "users, measured", \
     "" using 4 lc rgb pop_published title "population, published", \
     "" using 5 lc rgb pop_measured title "population, measured", \
     "" using ($0 - 0.091):($3 + 0.7):(sprintf("%.1f", $3)) with labels font ",8" notitle, \
     "" using ($0 + 0.273):($5 + 0.7):(sprintf("%.1f", $5)) with labels font ",8" notitle

set output dir."/fig2-share-using-by-decile.png"
set title "Figure 2: share of persons using the portal by household-income decile group\n{/*0.8 ".week."; 1 = lowest income}"
set ylabel "% of the persons of the group who used the portal"
set xlabel "decile group of standardised disposable household income"
set xrange [-0.6:9.6]
set offsets 0, 0, 1, 0
plot dir."/fig2.dat" using 2:xtic(1) lc rgb published title "published", \
     "" using 3 lc rgb measured title "measured", \
     "" using ($0 - 0.143):($2 + 0.4):(sprintf("%.0f", $2)) with labels font ",8" notitle, \
     "" using ($0 + 0.143):($3 + 0.4):(sprintf("%.1f", $3)) with labels font ",8" notitle

set output dir."/fig3-time-per-visit-by-age-group.png"
set title "Figure 3: mean time per visit by age group\n{/*0.8 ".week."}"
set ylabel "seconds per visit"
set xlabel "age in completed years on the first day of the week"
set xrange [-0.6:7.6]
set offsets 0, 0, 25, 0
plot dir."/fig3.dat" using 2:xtic(1) lc rgb published title "published", \
     "" using 3 lc rgb measured title "measured", \
     "" using ($0 - 0.143):($2 + 8):(sprintf("%.0f", $2)) with labels font ",8" notitle, \
     "" using ($0 + 0.143):($3 + 8):(sprintf("%.0f", $3)) with labels font ",8" notitle
