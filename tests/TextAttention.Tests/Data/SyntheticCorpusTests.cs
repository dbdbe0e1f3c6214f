using TextAttention.Data;
using TextAttention.Text;

namespace TextAttention.Tests.Data;

public sealed class SyntheticCorpusTests
{
    private static readonly SyntheticOptions Small = new(Train: 400, Validation: 50, Test: 50, Seed: 5);

    [Fact]
    public void The_same_seed_gives_the_same_corpus()
    {
        var a = SyntheticCorpus.Generate(Small);
        var b = SyntheticCorpus.Generate(Small);
        var c = SyntheticCorpus.Generate(Small with { Seed = 6 });

        Assert.Equal(a.Train.Select(e => (e.Text, e.Label, string.Join(",", e.Evidence!))), b.Train.Select(e => (e.Text, e.Label, string.Join(",", e.Evidence!))));
        Assert.NotEqual(a.Train.Select(e => e.Text), c.Train.Select(e => e.Text));
    }

    [Fact]
    public void Evidence_positions_hold_evidence_words_of_one_class_which_is_mostly_the_label()
    {
        var corpus = SyntheticCorpus.Generate(Small);
        var tokenizer = Tokenizers.Create(corpus.TokenizerName);
        var classOf = Enumerable.Range(0, 4).SelectMany(c => SyntheticCorpus.EvidenceWords(c).Select(w => (w, c))).ToDictionary(x => x.w, x => x.c);

        var agreeing = 0;
        foreach (var example in corpus.Train)
        {
            var tokens = tokenizer.Tokenize(example.Text);
            Assert.Equal(Small.EvidenceCount, example.Evidence!.Count);
            var classes = example.Evidence.Select(p => classOf[tokens[p]]).Distinct().ToList();
            var cls = Assert.Single(classes);
            agreeing += cls == example.Label ? 1 : 0;
        }

        // Labels differ from the evidence only through the 5% label noise (a redrawn label can still agree).
        Assert.InRange(agreeing / (double)corpus.Train.Count, 0.9, 1.0);
    }

    [Fact]
    public void Distractors_are_negated_evidence_of_another_class()
    {
        var corpus = SyntheticCorpus.Generate(Small);
        var tokenizer = Tokenizers.Create(corpus.TokenizerName);
        var classOf = Enumerable.Range(0, 4).SelectMany(c => SyntheticCorpus.EvidenceWords(c).Select(w => (w, c))).ToDictionary(x => x.w, x => x.c);

        var withDistractor = 0;
        foreach (var example in corpus.Train)
        {
            var tokens = tokenizer.Tokenize(example.Text);
            var evidenceClass = classOf[tokens[example.Evidence![0]]];
            for (var t = 0; t < tokens.Count - 1; t++)
            {
                if (tokens[t] == SyntheticCorpus.Negation)
                {
                    withDistractor++;
                    Assert.NotEqual(evidenceClass, classOf[tokens[t + 1]]);
                    Assert.DoesNotContain(t + 1, example.Evidence);
                }
            }
        }

        Assert.InRange(withDistractor / (double)corpus.Train.Count, 0.4, 0.6);   // DistractorRate 0.5
    }

    [Fact]
    public void Lengths_cover_the_range_and_classes_are_balanced()
    {
        var corpus = SyntheticCorpus.Generate(Small);
        var lengths = corpus.Train.Select(e => e.Text.Split(' ').Length).ToList();

        Assert.InRange(lengths.Min(), Small.MinLength, Small.MinLength + 4);
        Assert.InRange(lengths.Max(), Small.MaxLength - 4, Small.MaxLength);
        Assert.All(Enumerable.Range(0, 4), c => Assert.InRange(corpus.Train.Count(e => e.Label == c), 70, 130));
    }

    [Theory]
    [InlineData(1, 10, "Classes must be from 2 to 676")]
    [InlineData(4, 2, "MinLength must leave room")]
    public void Impossible_options_are_refused(int classes, int minLength, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => SyntheticCorpus.Generate(Small with { Classes = classes, MinLength = minLength }));

        Assert.Contains(problem, error.Message);
    }
}
