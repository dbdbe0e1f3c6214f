using System.Buffers.Binary;
using TextAttention.Notebooks;
using TextAttention.Plotting;
using static TorchSharp.torch;

namespace TextAttention.Tests.Plotting;

public sealed class ChartTests
{
    [Fact]
    public void Token_labels_stay_distinct_when_words_repeat()
    {
        Assert.Equal(["1 the", "2 cat", "3 the"], AttentionCharts.TokenLabels(["the", "cat", "the"]));
    }

    [Fact]
    public void A_heatmap_needs_a_square_matrix_matching_the_tokens()
    {
        var error = Assert.Throws<ArgumentException>(() => AttentionCharts.Heatmap(zeros(2, 3), ["a", "b"], "t"));

        Assert.Contains("(T, T) = (2, 2); got (2, 3)", error.Message);
    }

    [Fact]
    public void A_chart_carries_its_title_and_data()
    {
        var chart = AttentionCharts.WeightBars(["a", "b"], "weights of a toy", ("alpha", tensor(new[] { 0.25f, 0.75f })));

        var html = Plotly.NET.GenericChart.toChartHTML(chart);

        Assert.Contains("weights of a toy", html);
        Assert.Contains("0.75", html);
    }

    [Fact]
    public void A_static_copy_is_a_png_of_the_requested_size_when_a_browser_is_installed()
    {
        if (StaticCharts.FindBrowser() is null)
        {
            // CI installs Chromium (.ci/run); elsewhere the notebooks fall back to interactive charts only.
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI must have Chromium for static charts");
            return;
        }

        var chart = AttentionCharts.WeightBars(["a", "b"], "toy", ("alpha", tensor(new[] { 0.25f, 0.75f })));

        var png = StaticCharts.TryRenderPng(chart, 320, 200)!;

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(320, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));   // IHDR width
        Assert.Equal(200, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));   // IHDR height
    }

    [Fact]
    public void A_configured_browser_that_does_not_exist_is_named()
    {
        var error = Assert.Throws<FileNotFoundException>(() =>
            StaticCharts.FindBrowser(name => name == StaticCharts.BrowserVariable ? "/nonexistent/chromium" : null));

        Assert.Contains("TEXTATTENTION_CHROMIUM=/nonexistent/chromium", error.Message);
    }
}
