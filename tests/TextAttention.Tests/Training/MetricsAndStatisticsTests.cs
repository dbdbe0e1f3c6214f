using TextAttention.Experiments;
using TextAttention.Training;

namespace TextAttention.Tests.Training;

public sealed class MetricsAndStatisticsTests
{
    [Fact]
    public void Accuracy_and_macro_F1_follow_from_the_confusion_matrix()
    {
        // Rows are true classes: class 0 has 3 right and 1 wrong, class 1 has 4 right and 2 wrong.
        var evaluation = new Evaluation(new long[,] { { 3, 1 }, { 2, 4 } }, Loss: 0);

        Assert.Equal(0.7, evaluation.Accuracy, 12);
        // F1_0 = 2·3 / (4 + 5) = 2/3; F1_1 = 2·4 / (6 + 5) = 8/11; macro = (2/3 + 8/11) / 2
        Assert.Equal((2.0 / 3 + 8.0 / 11) / 2, evaluation.MacroF1, 12);
    }

    [Fact]
    public void A_class_never_seen_nor_predicted_does_not_count_in_macro_F1()
    {
        var evaluation = new Evaluation(new long[,] { { 2, 0, 0 }, { 0, 2, 0 }, { 0, 0, 0 } }, Loss: 0);

        Assert.Equal(1.0, evaluation.MacroF1);
    }

    [Fact]
    public void Mean_and_sample_standard_deviation_match_hand_values()
    {
        var (mean, std) = Statistics.MeanStd([1, 2, 3, 4]);

        Assert.Equal(2.5, mean);
        Assert.Equal(Math.Sqrt(5.0 / 3), std, 12);   // Σ(x − 2.5)² = 5, divided by n − 1 = 3
    }

    [Fact]
    public void The_summary_has_one_row_per_dataset_and_pooling()
    {
        RunScore[] runs = [new("d", "a", 1, 0.5, 0.4), new("d", "a", 2, 0.7, 0.6), new("d", "b", 1, 0.6, 0.6)];

        var summary = Statistics.Summary(runs);

        Assert.Equal(2, summary.Rows.Count);
        Assert.Equal(0.6, (double)summary["accuracy_mean"][0]!, 12);
        Assert.Equal(Math.Round(Math.Sqrt(0.02), 4), (double)summary["accuracy_std"][0]!, 12);
    }
}
