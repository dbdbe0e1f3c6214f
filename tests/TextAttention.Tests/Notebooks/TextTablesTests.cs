using Microsoft.Data.Analysis;
using TextAttention.Notebooks;

namespace TextAttention.Tests.Notebooks;

public sealed class TextTablesTests
{
    [Fact]
    public void Columns_are_aligned_to_their_widest_value_with_numbers_on_the_right()
    {
        var frame = new DataFrame(
            new StringDataFrameColumn("pooling", ["dot-self-unmasked", "han"]),
            new DoubleDataFrameColumn("weight", [1.9709, 0.5]),
            new Int32DataFrameColumn("T", [12, 3]));

        var expected = string.Join('\n',
            "pooling            weight   T",
            "-----------------  ------  --",
            "dot-self-unmasked  1.9709  12",
            "han                   0.5   3");
        Assert.Equal(expected, TextTables.Format(frame));
    }

    [Fact]
    public void Long_frames_say_how_many_rows_were_left_out()
    {
        var frame = new DataFrame(new Int32DataFrameColumn("n", Enumerable.Range(0, 5)));

        var text = TextTables.Format(frame, maxRows: 2);

        Assert.EndsWith("1\n... 3 more rows", text);
    }

    [Fact]
    public void Missing_values_are_blank_and_numbers_ignore_the_current_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            var frame = new DataFrame(new DoubleDataFrameColumn("x", [0.25, null]));

            Assert.Equal("   x\n----\n0.25\n", TextTables.Format(frame));   // the missing value's row is blank
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }
}
