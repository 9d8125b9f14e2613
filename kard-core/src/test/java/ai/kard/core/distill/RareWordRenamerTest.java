package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RareWordRenamerTest {
    private static final PromptInput INPUT = new PromptInput("Which drug is first-line for Zorblat syndrome?",
            List.of("zoravine", "morvex", "kelpaxane", "dravid"),
            List.of("Zorblat syndrome is a hepatic disorder caused by the KRX7 gene. The first-line drug is zoravine."));
    private static final String TARGET = "Zorblat syndrome, caused by KRX7, is treated first with zoravine."
            + " So the answer is zoravine.\nAnswer: A";

    private static RareWordRenamer always() {
        return RareWordRenamer.builder().probability(1).build();
    }

    @Test
    void renamesCopiedRareWordsConsistentlyEverywhere() {
        RareWordRenamer.Renamed renamed = always().apply(INPUT, TARGET, new SplittableRandom(1));
        // Rare (not in the bundled vocabulary) and in both target and passage: the three names. "hepatic" is
        // rare but not in the target; "syndrome" is in both but common.
        assertThat(renamed.renames()).containsOnlyKeys("zorblat", "krx7", "zoravine");
        String name = renamed.renames().get("zorblat");
        String drug = renamed.renames().get("zoravine");
        String gene = renamed.renames().get("krx7");
        String capitalName = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        assertThat(gene).matches("[a-z]{3}[0-9]");
        assertThat(renamed.target()).isEqualTo(capitalName + " syndrome, caused by " + gene.toUpperCase()
                + ", is treated first with " + drug + ". So the answer is " + drug + ".\nAnswer: A");
        assertThat(renamed.input().question()).isEqualTo("Which drug is first-line for " + capitalName + " syndrome?");
        assertThat(renamed.input().options()).containsExactly(drug, "morvex", "kelpaxane", "dravid");
        assertThat(renamed.input().passages().get(0)).contains(capitalName + " syndrome is a hepatic disorder")
                .contains("the " + gene.toUpperCase() + " gene").endsWith("drug is " + drug + ".");
        for (String original : List.of("zorblat", "zoravine", "krx7")) {
            assertThat((renamed.target() + renamed.input()).toLowerCase()).doesNotContain(original);
        }
        assertThat(renamed.renames().values()).doesNotHaveDuplicates()
                .allSatisfy(fresh -> assertThat(WordRarity.notInBundledVocabulary().isRare(fresh)).isTrue());
    }

    @Test
    void sameRandomStateSameResultAndFreshStringsVary() {
        RareWordRenamer renamer = always();
        assertThat(renamer.apply(INPUT, TARGET, new SplittableRandom(5)))
                .isEqualTo(renamer.apply(INPUT, TARGET, new SplittableRandom(5)));
        List<String> names = new ArrayList<>();
        for (int seed = 0; seed < 20; seed++) {
            names.add(renamer.apply(INPUT, TARGET, new SplittableRandom(seed)).renames().get("zorblat"));
        }
        assertThat(names.stream().distinct().count()).isGreaterThan(15);
    }

    @Test
    void appliesToAboutTheConfiguredShareOfExamples() {
        RareWordRenamer renamer = RareWordRenamer.builder().probability(0.7).build();
        Random random = new Random(11);
        int renamed = 0;
        for (int i = 0; i < 2000; i++) {
            renamed += renamer.apply(INPUT, TARGET, random).renames().isEmpty() ? 0 : 1;
        }
        assertThat(renamed / 2000.0).isBetween(0.65, 0.75);
        assertThat(RareWordRenamer.builder().probability(0).build().apply(INPUT, TARGET, random))
                .isEqualTo(new RareWordRenamer.Renamed(INPUT, TARGET, java.util.Map.of()));
    }

    @Test
    void wordsOnlyInTheTargetOrOnlyInTheQuestionStay() {
        PromptInput input = new PromptInput("What does Quorfin cause?", List.of("a", "b"), List.of("Nothing here."));
        RareWordRenamer.Renamed r = always().apply(input, "Quorfin causes Blemtastic fever.", new SplittableRandom(3));
        assertThat(r.renames()).isEmpty();
        assertThat(r.target()).isEqualTo("Quorfin causes Blemtastic fever.");
    }

    @Test
    void optionsCountAsSourcesWithoutPassages() {
        PromptInput rd = INPUT.withoutPassages();
        RareWordRenamer.Renamed r = always().apply(rd, TARGET, new SplittableRandom(2));
        assertThat(r.renames()).containsOnlyKeys("zoravine");
    }

    @Test
    void customRarityFromDocumentFrequency() {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            targets.add("A hepatic disease with pyrexia is entity" + i + ".");
        }
        WordRarity rarity = WordRarity.rareIn(targets, 0.05);
        assertThat(rarity.isRare("entity7")).isTrue();
        assertThat(rarity.isRare("Pyrexia")).isFalse();
        assertThat(rarity.isRare("never-seen")).isTrue();
        RareWordRenamer renamer = RareWordRenamer.builder().probability(1).rarity(WordRarity.namesIn(targets)).build();
        PromptInput input = new PromptInput("Which entity has pyrexia?", List.of("entity7", "entity8"),
                List.of("Entity7 is a hepatic disease with pyrexia."));
        RareWordRenamer.Renamed r = renamer.apply(input, "A hepatic disease with pyrexia is entity7.",
                new SplittableRandom(4));
        assertThat(r.renames()).containsOnlyKeys("entity7");
        assertThat(r.target()).contains("hepatic disease with pyrexia");
    }

    @Test
    void validatesSettings() {
        assertThatThrownBy(() -> RareWordRenamer.builder().probability(1.5)).hasMessageContaining("1.5");
        assertThatThrownBy(() -> WordRarity.splitInto(String::length, 1)).hasMessageContaining("minPieces 1");
        assertThat(WordRarity.splitInto(String::length, 7).isRare("zoravine")).isTrue();
    }
}
