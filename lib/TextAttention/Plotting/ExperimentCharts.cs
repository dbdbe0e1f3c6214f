using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using Plotly.NET.TraceObjects;
using TextAttention.Experiments;
using TextAttention.Training;
using Chart = Plotly.NET.CSharp.Chart;

namespace TextAttention.Plotting;

/// <summary>The charts of the experiment notebooks: learning curves, accuracy bars, confusion matrices.</summary>
public static class ExperimentCharts
{
    /// <summary>
    /// Validation accuracy against epoch for each pooling on one dataset: the mean over seeds as a
    /// line, with ± one standard deviation as error bars (bands for many poolings hide each other).
    /// </summary>
    public static GenericChart LearningCurves(IEnumerable<RunResult> runs, string dataset) =>
        LearningCurves(Results.Epochs(runs), dataset);

    /// <inheritdoc cref="LearningCurves(IEnumerable{RunResult}, string)"/>
    public static GenericChart LearningCurves(IEnumerable<EpochRow> points, string dataset)
    {
        var list = points.ToList();
        return CurvesOf(list, dataset, PoolingColours(list), showLegend: true)
            .WithXAxisStyle<double, double, string>(TitleText: "epoch")
            .WithYAxisStyle<double, double, string>(TitleText: "validation accuracy")
            .WithTitle($"{dataset}: validation accuracy by epoch (mean ± std over seeds)");
    }

    /// <summary>
    /// The learning curves of every dataset side by side, one panel each, with one colour per
    /// pooling throughout and a single legend: the README's figure.
    /// </summary>
    public static GenericChart LearningCurvesGrid(IEnumerable<EpochRow> points)
    {
        var list = points.ToList();
        var datasets = list.Select(p => p.Dataset).Distinct().ToArray();
        if (datasets.Length == 0)
        {
            throw new ArgumentException("no learning-curve points.", nameof(points));
        }

        var colours = PoolingColours(list);
        var panels = datasets.Select((d, i) => CurvesOf(list, d, colours, showLegend: i == 0));
        return Chart.Grid(panels, 1, datasets.Length, SubPlotTitles: datasets)
            .WithTitle("Validation accuracy by epoch (mean ± std over seeds)");
    }

    private static GenericChart CurvesOf(List<EpochRow> points, string dataset, IReadOnlyDictionary<string, Color> colours, bool showLegend)
    {
        var byPooling = points.Where(p => p.Dataset == dataset).GroupBy(p => p.Pooling).ToList();
        if (byPooling.Count == 0)
        {
            throw new ArgumentException($"no run on '{dataset}'.", nameof(dataset));
        }

        var lines = byPooling.Select(group =>
        {
            var epochs = group.GroupBy(p => p.Epoch).OrderBy(g => g.Key).ToList();
            var x = epochs.Select(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();   // whole epochs, as categories
            var stats = epochs.Select(g => Statistics.MeanStd(g.Select(p => p.ValidationAccuracy).ToList())).ToArray();
            var line = Chart.Line<string, double, string>(x, stats.Select(s => s.Mean).ToArray(), Name: group.Key, ShowMarkers: true,
                ShowLegend: showLegend, LineColor: colours[group.Key], MarkerColor: colours[group.Key]);
            return Plotly.NET.Chart.withYError(ErrorBars(stats.Select(s => s.Std))).Invoke(line);
        });
        return Chart.Combine(lines);
    }

    // Plotly's default colour cycle, fixed per pooling in order of first appearance, so panels agree.
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private static Dictionary<string, Color> PoolingColours(IEnumerable<EpochRow> points) =>
        points.Select(p => p.Pooling).Distinct().Select((p, i) => (p, i)).ToDictionary(x => x.p, x => Color.fromHex(Palette[x.i % Palette.Length]));

    /// <summary>Mean test accuracy per pooling as bars with ± one standard deviation, one colour per dataset.</summary>
    public static GenericChart AccuracyBars(IEnumerable<RunScore> scores)
    {
        var list = scores.ToList();
        var poolings = list.Select(s => s.Pooling).Distinct().ToArray();
        var bars = list.GroupBy(s => s.Dataset).Select(dataset =>
        {
            var stats = poolings.Select(p => Statistics.MeanStd(dataset.Where(s => s.Pooling == p).Select(s => s.Accuracy).DefaultIfEmpty(double.NaN).ToList())).ToArray();
            var column = Chart.Column<double, string, string>(stats.Select(s => s.Mean).ToArray(), Keys: poolings, Name: dataset.Key);
            return Plotly.NET.Chart.withYError(ErrorBars(stats.Select(s => s.Std))).Invoke(column);
        });
        return Chart.Combine(bars)
            .WithYAxisStyle<double, double, string>(TitleText: "test accuracy")
            .WithTitle("Test accuracy per pooling (mean ± std over seeds)");
    }

    /// <summary>A confusion matrix as a heatmap: true classes in rows (top to bottom), predicted in columns.</summary>
    public static GenericChart Confusion(Evaluation evaluation, IReadOnlyList<string> classNames, string title)
    {
        var k = evaluation.Classes;
        if (classNames.Count != k)
        {
            throw new ArgumentException($"{classNames.Count} class names for a {k}×{k} confusion matrix.", nameof(classNames));
        }

        var rows = Enumerable.Range(0, k).Select(i => Enumerable.Range(0, k).Select(j => (double)evaluation.Confusion[i, j]).ToArray()).ToArray();
        return Chart.Heatmap<double, string, string, string>(rows, X: classNames.ToArray(), Y: classNames.ToArray(), ColorScale: StyleParam.Colorscale.Viridis, ReverseYAxis: true)
            .WithXAxisStyle<double, double, string>(TitleText: "predicted")
            .WithYAxisStyle<double, double, string>(TitleText: "true")
            .WithTitle(title);
    }

    // F# optional arguments: null stands for "not given".
    private static Error ErrorBars(IEnumerable<double> sizes) =>
        Error.init<double, double>(null, null, null, FSharpOption<IEnumerable<double>>.Some(sizes.ToArray()), null, null, null, null, null, null, null, null, null, null, null);
}
