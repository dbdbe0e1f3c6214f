using TextAttention.Cli;

namespace TextAttention.Tests.Cli;

public sealed class ResultsReportTests
{
    private static string Csv()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-results-").FullName, "comparison.csv");
        File.WriteAllLines(path,
        [
            "dataset,pooling,seed,best_epoch,test_accuracy,test_macro_f1",
            "agnews,dot-self-unmasked,1,3,0.80,0.79",
            "agnews,dot-self-unmasked,2,3,0.82,0.81",
            "agnews,han-unmasked,1,3,0.84,0.83",
            "agnews,han-unmasked,2,3,0.86,0.85",
        ]);
        return path;
    }

    [Fact]
    public void The_section_shows_mean_and_std_per_pooling_and_the_verdict()
    {
        var markdown = ResultsReport.Markdown(ResultsReport.Read(Csv()), "results.csv");

        // dot-self-unmasked: mean 0.81, sample std √((0.01² + 0.01²) / 1) = 0.01414 → 81.00 ± 1.41
        Assert.Contains("| agnews | `dot-self-unmasked` | 81.00 ± 1.41 | 80.00 ± 1.41 |", markdown);
        Assert.Contains("| agnews | `han-unmasked` | 85.00 ± 1.41 | 84.00 ± 1.41 |", markdown);
        // Differences −0.04 and −0.04: no spread, so the interval is a point and excludes 0.
        Assert.Contains("- agnews: han-unmasked is more accurate than dot-self-unmasked by 4.00 %", markdown);
        Assert.StartsWith(ResultsReport.Start, markdown);
        Assert.Contains($"]({ResultsReport.Figure})", markdown);
    }

    [Fact]
    public void The_figure_is_a_png_when_a_browser_is_installed()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-figure-").FullName, "accuracy.png");

        var drawn = ResultsReport.RenderFigure(ResultsReport.Read(Csv()), path);

        Assert.Equal(TextAttention.Plotting.StaticCharts.FindBrowser() is not null, drawn);
        if (drawn)
        {
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(path)[..4]);
        }
    }

    [Fact]
    public void Updating_replaces_only_the_marked_section()
    {
        var readme = Path.Combine(Directory.CreateTempSubdirectory("textattention-readme-").FullName, "README.md");
        File.WriteAllText(readme, $"# Title\n\n## Results\n\n{ResultsReport.Start}\nold numbers\n{ResultsReport.End}\n\n## After\n");

        ResultsReport.Update(readme, "<!-- results:start -->\nnew numbers\n" + ResultsReport.End + "\n");

        Assert.Equal($"# Title\n\n## Results\n\n<!-- results:start -->\nnew numbers\n{ResultsReport.End}\n\n## After\n", File.ReadAllText(readme));
    }

    [Fact]
    public void A_readme_without_markers_is_refused_and_left_alone()
    {
        var readme = Path.Combine(Directory.CreateTempSubdirectory("textattention-readme-").FullName, "README.md");
        File.WriteAllText(readme, "# Title\n");

        Assert.Throws<InvalidDataException>(() => ResultsReport.Update(readme, "x"));
        Assert.Equal("# Title\n", File.ReadAllText(readme));
    }

    [Fact]
    public void A_csv_without_the_needed_columns_is_named()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-results-").FullName, "other.csv");
        File.WriteAllLines(path, ["a,b", "1,2"]);

        var error = Assert.Throws<InvalidDataException>(() => ResultsReport.Read(path));

        Assert.Contains("no column dataset, pooling, seed, test_accuracy, test_macro_f1", error.Message);
    }
}
