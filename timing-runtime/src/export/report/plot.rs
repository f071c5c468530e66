//! The distribution plot of the report, drawn with [`plotters`] (SVG backend): one row of
//! samples per result (a strip plot, deterministic jitter), the median as a bar, its 95 %
//! interval as a band, and Tukey outliers (beyond 1.5 IQR from the quartiles) in orange.

use plotters::prelude::*;

use crate::stats::Stats;

const WIDTH: u32 = 820;
const ROW: u32 = 70;
const MARGINS: u32 = 70;

const POINT: RGBColor = RGBColor(49, 99, 168);
const OUTLIER: RGBColor = RGBColor(230, 120, 20);
const MEDIAN: RGBColor = RGBColor(20, 20, 20);
const INTERVAL: RGBColor = RGBColor(120, 170, 230);

/// An SVG document plotting the samples of each `(label, stats)` on one time axis.
pub(super) fn distributions(rows: &[(&str, &Stats)], format: &dyn Fn(f64) -> String) -> String {
    let mut svg = String::new();
    let height = MARGINS + ROW * rows.len() as u32;
    if let Err(e) = draw(&mut svg, height, rows, format) {
        // Drawing into a String cannot fail for I/O reasons; keep the page valid anyway.
        return format!(
            "<p>plot unavailable: {}</p>",
            super::html::escape(&e.to_string())
        );
    }
    svg
}

fn draw(
    svg: &mut String,
    height: u32,
    rows: &[(&str, &Stats)],
    format: &dyn Fn(f64) -> String,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let lo = rows
        .iter()
        .map(|(_, s)| s.min())
        .fold(f64::INFINITY, f64::min);
    let hi = rows.iter().map(|(_, s)| s.max()).fold(0.0, f64::max);
    let pad = ((hi - lo) * 0.05)
        .max(hi.abs() * 1e-3)
        .max(f64::MIN_POSITIVE);
    let (x0, x1) = ((lo - pad).max(0.0), hi + pad);
    let n = rows.len() as f64;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(8)
        .build_cartesian_2d(x0..x1, 0.0..n)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_labels(6)
        .x_label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 13))
        .x_label_formatter(&|x| format(*x))
        .x_desc("time per iteration")
        .draw()?;
    for (i, (label, stats)) in rows.iter().enumerate() {
        let row = n - 1.0 - i as f64;
        let (ci_lo, ci_hi) = stats.median_ci();
        chart.draw_series(std::iter::once(Rectangle::new(
            [(ci_lo, row + 0.12), (ci_hi, row + 0.88)],
            INTERVAL.mix(0.35).filled(),
        )))?;
        let (q1, q3) = stats.quartiles();
        let (fence_lo, fence_hi) = (q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1));
        chart.draw_series(stats.samples().iter().enumerate().map(|(k, &x)| {
            // Deterministic jitter (golden-ratio sequence) inside the row.
            let y = row + 0.2 + 0.6 * ((k as f64 * 0.618_034) % 1.0);
            if x < fence_lo || x > fence_hi {
                Circle::new((x, y), 4, OUTLIER.filled())
            } else {
                Circle::new((x, y), 3, POINT.mix(0.7).filled())
            }
        }))?;
        let median = stats.median();
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(median, row + 0.06), (median, row + 0.94)],
            MEDIAN.stroke_width(3),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("{label}  (median {})", format(median)),
            (x0, row + 0.98),
            ("sans-serif", 13).into_font(),
        )))?;
    }
    root.present()?;
    Ok(())
}
