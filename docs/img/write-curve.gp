# gnuplot docs/img/write-curve.gp  (from the repository root): docs/img/write-curve.png
set terminal pngcairo size 1600,900 font "DejaVu Sans,20"
set output "docs/img/write-curve.png"
set termoption noenhanced
set multiplot layout 1,2 title "Checkpoint write curve, run A's settings (cct 0.5, 30 s): measured (PostgreSQL 15) vs walsim"
set xlabel "seconds after the checkpoint started"
set ylabel "buffers written in that second"
set key top right
set grid ytics
set xrange [-0.5:15.5]
set style fill solid 0.85 border -1
set boxwidth 0.4
set yrange [0:1100]
set title "shared_buffers 128MB (tail: real 15-25/s, walsim ~0)"
plot "docs/img/write-curve.dat" using ($1-0.2):2 with boxes lc rgb "#0072B2" title "measured", \
     "" using ($1+0.2):3 with boxes lc rgb "#E69F00" title "walsim"
set yrange [0:5500]
set title "shared_buffers 512MB"
plot "docs/img/write-curve.dat" using ($1-0.2):4 with boxes lc rgb "#0072B2" title "measured", \
     "" using ($1+0.2):5 with boxes lc rgb "#E69F00" title "walsim"
unset multiplot
