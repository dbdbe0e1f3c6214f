using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;
using static TorchSharp.torch;

namespace TextAttention.Plotting;

/// <summary>The charts the attention notebooks draw, built with Plotly.NET.CSharp.</summary>
public static class AttentionCharts
{
    /// <summary>
    /// Category labels for tokens that stay distinct when a word repeats ("1 the", …, "5 the"):
    /// Plotly merges equal category names into one.
    /// </summary>
    public static string[] TokenLabels(IEnumerable<string> tokens) =>
        tokens.Select((token, i) => $"{i + 1} {token}").ToArray();

    /// <summary>
    /// A T×T attention matrix as a heatmap, query i in row i from the top, key j in column j.
    /// </summary>
    /// <param name="matrix">(T, T) weights; row i holds query i's weights over the keys.</param>
    /// <param name="tokens">The T tokens, labelling both axes.</param>
    /// <param name="title">The chart's title.</param>
    public static GenericChart Heatmap(Tensor matrix, IReadOnlyList<string> tokens, string title)
    {
        if (matrix.dim() != 2 || matrix.shape[0] != tokens.Count || matrix.shape[1] != tokens.Count)
        {
            throw new ArgumentException($"matrix must have shape (T, T) = ({tokens.Count}, {tokens.Count}); got ({string.Join(", ", matrix.shape)}).", nameof(matrix));
        }

        var labels = TokenLabels(tokens);
        var rows = Rows(matrix);
        // ReverseYAxis puts query 1 on top, as in a printed matrix. The colour scale starts at 0, so a near-uniform matrix
        // (every entry about 1/T) looks flat, as it is, instead of being stretched over the colours.
        var chart = Chart.Heatmap<double, string, string, string>(rows, X: labels, Y: labels, ColorScale: StyleParam.Colorscale.Viridis, ReverseYAxis: true);
        return WithRange(chart, 0, Math.Max(1e-12, rows.SelectMany(r => r).Max()))
            .WithXAxisStyle<double, double, string>(TitleText: "key j")
            .WithYAxisStyle<double, double, string>(TitleText: "query i")
            .WithTitle(title);
    }

    /// <summary>
    /// A text shaded by weight, token by token, as the best illustrated explanations show attention: the tokens in reading
    /// order, <paramref name="perRow"/> to a row, each on a cell whose colour is its weight on a scale from 0 to the largest
    /// weight. Readable where a bar chart over tens of tokens is not.
    /// </summary>
    public static GenericChart ShadedText(IReadOnlyList<string> tokens, IReadOnlyList<double> weights, string title, int perRow = 10)
    {
        if (weights.Count != tokens.Count || tokens.Count == 0)
        {
            throw new ArgumentException($"give one weight per token; got {weights.Count} weights for {tokens.Count} tokens.", nameof(weights));
        }

        var rowCount = (tokens.Count + perRow - 1) / perRow;
        var z = new double[rowCount][];
        var text = new string[rowCount][];
        for (var r = 0; r < rowCount; r++)
        {
            z[r] = new double[perRow];
            text[r] = new string[perRow];
            for (var c = 0; c < perRow; c++)
            {
                var t = r * perRow + c;
                z[r][c] = t < tokens.Count ? weights[t] : 0;   // an empty cell past the last token: white
                text[r][c] = t < tokens.Count ? tokens[t] : "";
            }
        }

        var chart = Chart.Heatmap<double, int, int, string>(z, X: Enumerable.Range(1, perRow).ToArray(), Y: Enumerable.Range(1, rowCount).ToArray(),
            ColorScale: StyleParam.Colorscale.NewCustom([Tuple.Create(0.0, Color.fromHex("#ffffff")), Tuple.Create(1.0, Color.fromHex("#c0392b"))]),
            ReverseYAxis: true, XGap: 2, YGap: 2);
        chart = Plotly.NET.GenericChart.mapTrace(Microsoft.FSharp.Core.FuncConvert.FromFunc<Plotly.NET.Trace, Plotly.NET.Trace>(trace =>
        {
            trace.SetProperty("text", text);
            trace.SetProperty("texttemplate", "%{text}");
            trace.SetProperty("hovertemplate", "%{text}: %{z:.3f}<extra></extra>");
            return trace;
        }), chart);
        var hidden = new Plotly.NET.LayoutObjects.LinearAxis();
        hidden.SetProperty("visible", false);
        chart = Plotly.NET.Chart.withXAxis(hidden, StyleParam.SubPlotId.NewXAxis(1)).Invoke(chart);
        chart = Plotly.NET.Chart.withYAxis(hidden, StyleParam.SubPlotId.NewYAxis(1)).Invoke(chart);
        chart = Plotly.NET.Chart.withMarginSize<int, int, int, int, int, bool>(Some(10), Some(10), Some(50), Some(10), null, null).Invoke(chart);
        return WithRange(chart, 0, Math.Max(1e-12, weights.Max())).WithTitle(title);
    }

    /// <summary>The height in pixels that <see cref="ShadedText"/> needs for <paramref name="tokens"/> tokens, <paramref name="perRow"/> to a row.</summary>
    public static int ShadedTextHeight(int tokens, int perRow = 10) => 80 + 40 * Math.Max(1, (tokens + perRow - 1) / perRow);

    private static Microsoft.FSharp.Core.FSharpOption<int> Some(int value) => Microsoft.FSharp.Core.FSharpOption<int>.Some(value);

    /// <summary>Fixes a heatmap's colour range (Plotly's zmin and zmax) instead of stretching it over the data.</summary>
    private static GenericChart WithRange(GenericChart chart, double low, double high) =>
        Plotly.NET.GenericChart.mapTrace(Microsoft.FSharp.Core.FuncConvert.FromFunc<Plotly.NET.Trace, Plotly.NET.Trace>(trace =>
        {
            trace.SetProperty("zmin", low);
            trace.SetProperty("zmax", high);
            return trace;
        }), chart);

    /// <summary>A predictor's L × L matrix (<see cref="Inference.Prediction.Matrix"/>) as a heatmap.</summary>
    public static GenericChart Heatmap(float[,] matrix, IReadOnlyList<string> tokens, string title)
    {
        using var values = tensor(matrix);
        return Heatmap(values, tokens, title);
    }

    /// <summary>One weight per token as bars; several series side by side when given.</summary>
    public static GenericChart WeightBars(IReadOnlyList<string> tokens, string title, params (string Name, Tensor Weights)[] series) =>
        WeightBars(tokens, title, series.Select(s => (s.Name, (IReadOnlyList<double>)Values(s.Weights))).ToArray());

    /// <summary>
    /// One weight per token as bars (for example a prediction's weights), every token labelled on the axis. Several
    /// series go in panels one above the other, each on its own scale, so a series of small weights (attention_1's
    /// near-uniform 1/L) stays visible beside one that puts 0.95 on a single token.
    /// </summary>
    public static GenericChart WeightBars(IReadOnlyList<string> tokens, string title, params (string Name, IReadOnlyList<double> Weights)[] series)
    {
        if (series.Length == 0)
        {
            throw new ArgumentException("give at least one series of weights.", nameof(series));
        }

        var labels = TokenLabels(tokens);
        var bars = series.Select(s =>
        {
            var values = s.Weights.ToArray();
            if (values.Length != tokens.Count)
            {
                throw new ArgumentException($"series '{s.Name}' has {values.Length} weights for {tokens.Count} tokens.", nameof(series));
            }

            return Chart.Column<double, string, string>(values, Keys: labels, Name: s.Name);
        }).ToList();
        if (bars.Count == 1)
        {
            return EveryTick(bars[0].WithYAxisStyle<double, double, string>(TitleText: "weight"), labels.Length, axes: 1).WithTitle(title);
        }

        var grid = Chart.Grid(bars, bars.Count, 1, SubPlotTitles: series.Select(s => s.Name).ToArray());
        return EveryTick(grid, labels.Length, axes: bars.Count).WithTitle(title);
    }

    /// <summary>
    /// Labels every category on the x axes (Plotly skips labels when they crowd), turned and in a smaller type when
    /// there are many, so that each token of a text can be read under its bar.
    /// </summary>
    private static GenericChart EveryTick(GenericChart chart, int categories, int axes)
    {
        for (var i = 1; i <= axes; i++)
        {
            var axis = new Plotly.NET.LayoutObjects.LinearAxis();
            axis.SetProperty("dtick", 1);
            axis.SetProperty("tickangle", categories > 12 ? -60 : 0);
            axis.SetProperty("tickfont", Font.init(null, Microsoft.FSharp.Core.FSharpOption<double>.Some(categories > 40 ? 8 : categories > 20 ? 10 : 12), null));
            axis.SetProperty("automargin", true);
            chart = Plotly.NET.Chart.withXAxis(axis, StyleParam.SubPlotId.NewXAxis(i)).Invoke(chart);
        }

        return chart;
    }

    /// <summary>Lines of y against x, one per named series, with markers.</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, params (string Name, double[] X, double[] Y)[] series) =>
        Chart.Combine(series.Select(s => Chart.Line<double, double, string>(s.X, s.Y, Name: s.Name, ShowMarkers: true)))
            .WithXAxisStyle<double, double, string>(TitleText: xTitle)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithTitle(title);

    private static double[] Values(Tensor t) => t.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    private static double[][] Rows(Tensor matrix)
    {
        var values = Values(matrix);
        var columns = (int)matrix.shape[1];
        return Enumerable.Range(0, (int)matrix.shape[0]).Select(i => values.Skip(i * columns).Take(columns).ToArray()).ToArray();
    }
}
