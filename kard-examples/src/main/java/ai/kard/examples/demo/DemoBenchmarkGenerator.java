package ai.kard.examples.demo;

import ai.kard.api.Passage;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.examples.demo.DemoQuestion.Kind;
import ai.kard.examples.demo.internal.Findings;
import ai.kard.examples.demo.internal.Findings.Finding;
import ai.kard.examples.demo.internal.WordForge;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generates the invented-facts benchmark from a seed. Every fact is made up (disease names, genes, drugs), so
 * no model can know it: a student answers only by reading the right passage.
 *
 * <p>Each fictional disease has one passage stating its organ (as an adjective: "hepatic"), three symptoms
 * (technical terms: "pyrexia"), its gene and its first-line drug; distractor passages about its drug, its gene
 * or its history share some of those words. Direct questions name the disease. Two-hop questions never do:
 * they describe the organ and two or three symptoms in lay words the corpus never uses ("liver", "fever"), and
 * their wrong options belong to diseases that share some of those findings, so BM25 with the question cannot
 * tell the options' passages apart while the teacher's rationale, which names the disease and uses the
 * passages' terms, retrieves the right one.
 */
public final class DemoBenchmarkGenerator {
    private static final String[] SUFFIXES = {"syndrome", "disease", "disorder"};
    private static final String[] DRUG_CLASSES = {"kinase inhibitor", "channel blocker", "receptor agonist",
        "enzyme inhibitor", "monoclonal antibody", "protease inhibitor", "receptor antagonist"};
    private static final String[] PROTEINS = {"membrane transporter", "signalling kinase", "structural protein",
        "ion channel", "transcription factor", "repair enzyme"};
    private static final double GENE_QUESTION_SHARE = 0.25;
    private static final int OPTIONS = 4;

    private final DemoConfig config;

    public DemoBenchmarkGenerator(DemoConfig config) {
        this.config = config;
    }

    /** A fictional disease; {@code symptoms} in the order its passage lists them. */
    private record Entity(int index, String name, String gene, Finding organ, List<Finding> symptoms,
                          String drug) {
        String passageId() {
            return String.format(Locale.ROOT, "ent-%04d", index);
        }

        String value(boolean askGene) {
            return askGene ? gene : drug;
        }
    }

    /** The clues a two-hop question gives: the organ and a subset of symptoms no other entity shares. */
    private record Clues(Finding organ, List<Finding> symptoms) {
    }

    public DemoBenchmark generate() {
        Random random = new Random(config.seed());
        WordForge forge = new WordForge(random, reservedWords());
        List<Entity> entities = entities(random, forge);
        List<Passage> corpus = corpus(entities, random, forge);

        List<Entity> shuffled = new ArrayList<>(entities);
        Collections.shuffle(shuffled, random);
        int test = config.testQuestions();
        int validation = config.validationQuestions();
        Map<Split, List<Entity>> pools = new EnumMap<>(Split.class);
        pools.put(Split.TEST, sorted(shuffled.subList(0, test)));
        pools.put(Split.VALIDATION, sorted(shuffled.subList(test, test + validation)));
        pools.put(Split.TRAIN, sorted(shuffled.subList(test + validation, shuffled.size())));

        Map<Split, List<DemoQuestion>> questions = new EnumMap<>(Split.class);
        Map<Split, List<Rationale>> rationales = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            List<DemoQuestion> splitQuestions = new ArrayList<>();
            List<Rationale> splitRationales = new ArrayList<>();
            List<Entity> pool = pools.get(split);
            int count = switch (split) {
                case TRAIN -> config.trainQuestions();
                case VALIDATION -> validation;
                case TEST -> test;
            };
            List<Entity> subjects = subjects(pool, count, random);
            List<Boolean> twoHop = kinds(count, random);
            for (int i = 0; i < count; i++) {
                String id = String.format(Locale.ROOT, "%s-%04d", split.label(), i + 1);
                boolean askGene = random.nextDouble() < GENE_QUESTION_SHARE;
                question(id, subjects.get(i), twoHop.get(i), askGene, pool, entities, random,
                        splitQuestions, splitRationales);
            }
            questions.put(split, splitQuestions);
            rationales.put(split, splitRationales);
        }
        return new DemoBenchmark(config, corpus, questions, rationales);
    }

    /** Words of the templates and vocabulary, which invented words must never collide with. */
    private static Set<String> reservedWords() {
        Set<String> reserved = new HashSet<>();
        for (Finding finding : concat(Findings.ORGANS, Findings.SYMPTOMS)) {
            reserved.add(finding.term());
            finding.paraphrases().forEach(p -> reserved.addAll(List.of(p.split(" "))));
        }
        reserved.addAll(List.of(SUFFIXES));
        return reserved;
    }

    private List<Entity> entities(Random random, WordForge forge) {
        List<Entity> entities = new ArrayList<>();
        Set<String> profiles = new HashSet<>();
        for (int i = 0; i < config.entities(); i++) {
            Finding organ;
            List<Finding> symptoms;
            String profile;
            do { // identical organ + symptoms would make a two-hop question ambiguous
                organ = pick(Findings.ORGANS, random);
                symptoms = sample(Findings.SYMPTOMS, 3, random);
                profile = organ.term() + symptoms.stream().map(Finding::term).sorted().toList();
            } while (!profiles.add(profile));
            String name = forge.name(2) + " " + SUFFIXES[random.nextInt(SUFFIXES.length)];
            entities.add(new Entity(i + 1, name, forge.gene(), organ, symptoms, forge.drug()));
        }
        return entities;
    }

    private static List<Passage> corpus(List<Entity> entities, Random random, WordForge forge) {
        List<Passage> corpus = new ArrayList<>();
        for (Entity e : entities) {
            List<String> terms = e.symptoms().stream().map(Finding::term).toList();
            String o = e.organ().term();
            String symptoms = join(terms);
            String text = switch (random.nextInt(3)) {
                case 0 -> e.name() + " is a rare " + o + " disorder caused by mutations in the " + e.gene()
                        + " gene. Patients present with " + symptoms + ". The first-line drug is " + e.drug() + ".";
                case 1 -> e.name() + " is an inherited " + o + " disease linked to the " + e.gene()
                        + " gene. Its typical signs are " + symptoms + ". Treatment starts with " + e.drug()
                        + ", the first-line drug.";
                default -> "Caused by variants of the " + e.gene() + " gene, " + e.name() + " is a " + o
                        + " condition marked by " + symptoms + ". Physicians give " + e.drug()
                        + " as the first-line drug.";
            };
            corpus.add(new Passage(e.passageId(), e.name(), text));
        }
        // Distractors: each shares the disease's name, drug or gene (and some findings) without its key fact.
        // Their titles are generic so that the shared name counts once, as in the disease's own passage.
        for (Entity e : entities) {
            String id = String.format(Locale.ROOT, "%04d", e.index());
            List<Finding> sideEffects = sample(Findings.SYMPTOMS, 2, random);
            String drugClass = DRUG_CLASSES[random.nextInt(DRUG_CLASSES.length)];
            int year = 1950 + random.nextInt(70);
            String drugText = random.nextBoolean()
                    ? capitalise(e.drug()) + " is an oral " + drugClass + " approved in " + year
                        + ". Reported side effects include " + join(terms(sideEffects)) + ". Doses are reduced in "
                        + pick(Findings.ORGANS, random).term() + " impairment."
                    : capitalise(e.drug()) + " is a " + drugClass + " given by injection, first approved in " + year
                        + ". Common adverse effects are " + join(terms(sideEffects)) + ", mostly in older adults.";
            corpus.add(new Passage("drug-" + id, "Pharmacology", drugText));
            if (random.nextBoolean()) {
                String town = forge.name(2);
                String doctor = forge.name(2);
                String historyText = random.nextBoolean()
                        ? e.name() + " was first described in " + (1900 + random.nextInt(100)) + " by doctor " + doctor
                            + " in the town of " + town + ". About " + (1 + random.nextInt(40))
                            + " cases per million people are reported each year."
                        : "The first report of " + e.name() + " came from " + town + " in " + (1900 + random.nextInt(100))
                            + ", where doctor " + doctor + " studied several families. It remains uncommon.";
                corpus.add(new Passage("hist-" + id, "History of medicine", historyText));
            }
            if (random.nextBoolean()) {
                String geneText = "The " + e.gene() + " gene encodes a " + PROTEINS[random.nextInt(PROTEINS.length)]
                        + " expressed mainly in " + e.organ().term() + " tissue. It was mapped in "
                        + (1980 + random.nextInt(40)) + " by the " + forge.name(2) + " genome project.";
                corpus.add(new Passage("gene-" + id, "Genetics", geneText));
            }
        }
        return corpus;
    }

    /** The entity each question is about: one per entity in held-out splits, round-robin in training. */
    private static List<Entity> subjects(List<Entity> pool, int count, Random random) {
        List<Entity> order = new ArrayList<>(pool);
        Collections.shuffle(order, random);
        List<Entity> subjects = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            subjects.add(order.get(i % order.size()));
        }
        return subjects;
    }

    /** Exactly round(count * twoHopFraction) two-hop questions, in random positions. */
    private List<Boolean> kinds(int count, Random random) {
        int twoHop = (int) Math.round(count * config.twoHopFraction());
        List<Boolean> kinds = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            kinds.add(i < twoHop);
        }
        Collections.shuffle(kinds, random);
        return kinds;
    }

    private void question(String id, Entity subject, boolean twoHop, boolean askGene, List<Entity> pool,
                          List<Entity> all, Random random, List<DemoQuestion> questions,
                          List<Rationale> rationales) {
        Clues clues = twoHop ? clues(subject, all, random) : new Clues(subject.organ(), subject.symptoms());
        List<Entity> optionEntities = new ArrayList<>(distractors(subject, clues, askGene, pool, random));
        optionEntities.add(subject);
        Collections.shuffle(optionEntities, random);
        List<String> options = optionEntities.stream().map(e -> e.value(askGene)).toList();
        int answer = optionEntities.indexOf(subject);

        String text = twoHop ? twoHopText(clues, askGene, random) : directText(subject, askGene, random);
        questions.add(new DemoQuestion(new Question(id, text, options, answer),
                twoHop ? Kind.TWO_HOP : Kind.DIRECT, subject.passageId()));

        List<Integer> templates = new ArrayList<>(List.of(0, 1, 2));
        Collections.shuffle(templates, random);
        String ending = " So the answer is " + subject.value(askGene) + ".\nAnswer: " + Question.letter(answer);
        for (int r = 0; r < config.rationalesPerQuestion(); r++) {
            String body = twoHop ? twoHopRationale(subject, clues, askGene, templates.get(r), random)
                    : directRationale(subject, askGene, templates.get(r));
            rationales.add(new Rationale(id, body + ending));
        }
    }

    /** The organ plus a random symptom pair that no other entity shares; all three symptoms otherwise. */
    private static Clues clues(Entity subject, List<Entity> all, Random random) {
        List<List<Finding>> pairs = new ArrayList<>();
        List<Finding> s = subject.symptoms();
        pairs.add(List.of(s.get(0), s.get(1)));
        pairs.add(List.of(s.get(0), s.get(2)));
        pairs.add(List.of(s.get(1), s.get(2)));
        Collections.shuffle(pairs, random);
        for (List<Finding> pair : pairs) {
            if (all.stream().noneMatch(e -> e != subject && matches(e, subject.organ(), pair))) {
                return new Clues(subject.organ(), shuffled(pair, random));
            }
        }
        return new Clues(subject.organ(), shuffled(s, random)); // unique: profiles are distinct
    }

    private static boolean matches(Entity e, Finding organ, List<Finding> symptoms) {
        return e.organ().equals(organ) && e.symptoms().containsAll(symptoms);
    }

    /** Three other entities of the same split, preferring those that share the clues (never all of them). */
    private static List<Entity> distractors(Entity subject, Clues clues, boolean askGene, List<Entity> pool,
                                            Random random) {
        List<Entity> candidates = new ArrayList<>(pool);
        candidates.remove(subject);
        Collections.shuffle(candidates, random);
        candidates.sort(Comparator.comparingInt((Entity e) -> -overlap(e, clues)));
        return candidates.subList(0, OPTIONS - 1);
    }

    private static int overlap(Entity e, Clues clues) {
        int score = e.organ().equals(clues.organ()) ? 2 : 0;
        for (Finding symptom : clues.symptoms()) {
            score += e.symptoms().contains(symptom) ? 1 : 0;
        }
        return score;
    }

    private static String directText(Entity e, boolean askGene, Random random) {
        String n = e.name();
        if (askGene) {
            return switch (random.nextInt(3)) {
                case 0 -> "Mutations in which gene cause " + n + "?";
                case 1 -> "Which gene is linked to " + n + "?";
                default -> capitalise(n) + " is caused by variants of which gene?";
            };
        }
        return switch (random.nextInt(3)) {
            case 0 -> "Which drug is first-line for " + n + "?";
            case 1 -> "What is the first-line drug for " + n + "?";
            default -> capitalise(n) + " is first treated with which drug?";
        };
    }

    private static String twoHopText(Clues clues, boolean askGene, Random random) {
        String organ = pick(clues.organ().paraphrases(), random);
        String findings = join(clues.symptoms().stream().map(f -> pick(f.paraphrases(), random)).toList());
        if (askGene) {
            return switch (random.nextInt(3)) {
                case 0 -> "An illness of the " + organ + " causes " + findings + ". Which gene is it linked to?";
                case 1 -> "Which gene is mutated in the illness of the " + organ + " that causes " + findings + "?";
                default -> "A patient has " + findings + " from an illness of the " + organ
                        + ". Which gene is behind it?";
            };
        }
        return switch (random.nextInt(3)) {
            case 0 -> "An illness of the " + organ + " causes " + findings + ". Which drug is first-line for it?";
            case 1 -> "Which drug is first-line for the illness of the " + organ + " that causes " + findings + "?";
            default -> "A patient has " + findings + " from an illness of the " + organ
                    + ". What is the first-line drug?";
        };
    }

    private static String directRationale(Entity e, boolean askGene, int template) {
        String n = e.name();
        String o = e.organ().term();
        String two = join(terms(e.symptoms().subList(0, 2)));
        if (askGene) {
            return switch (template) {
                case 0 -> capitalise(n) + " is a " + o + " disorder caused by mutations in the " + e.gene() + " gene.";
                case 1 -> "The gene linked to " + n + ", which presents with " + two + ", is " + e.gene() + ".";
                default -> capitalise(n) + " is caused by variants of the " + e.gene() + " gene.";
            };
        }
        return switch (template) {
            case 0 -> capitalise(n) + " is a " + o + " disorder with " + two + ", and its first-line drug is "
                    + e.drug() + ".";
            case 1 -> "The first-line drug for " + n + ", a " + o + " disease linked to the " + e.gene()
                    + " gene, is " + e.drug() + ".";
            default -> "According to its description, " + n + " is treated first with " + e.drug() + ".";
        };
    }

    private static String twoHopRationale(Entity e, Clues clues, boolean askGene, int template, Random random) {
        String n = e.name();
        String o = e.organ().term();
        String findings = join(terms(clues.symptoms()));
        String fact = askGene ? "caused by the " + e.gene() + " gene" : "treated first with " + e.drug();
        return switch (template) {
            case 0 -> "A " + o + " disease with " + findings + " is " + n + ". " + (askGene
                    ? "It is caused by the " + e.gene() + " gene." : "Its first-line drug is " + e.drug() + ".");
            case 1 -> {
                List<String> glossed = clues.symptoms().stream()
                        .map(f -> pick(f.paraphrases(), random) + " (" + f.term() + ")").toList();
                yield capitalise(join(glossed)) + " point to " + n + ", a " + o + " disease " + fact + ".";
            }
            default -> capitalise(n) + " is the " + o + " disorder marked by " + findings + ", and it is " + fact + ".";
        };
    }

    private static List<String> terms(List<Finding> findings) {
        return findings.stream().map(Finding::term).toList();
    }

    /** "a", "a and b", "a, b and c". */
    static String join(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static <T> T pick(List<T> items, Random random) {
        return items.get(random.nextInt(items.size()));
    }

    private static <T> List<T> sample(List<T> items, int count, Random random) {
        TreeSet<Integer> chosen = new TreeSet<>();
        while (chosen.size() < count) {
            chosen.add(random.nextInt(items.size()));
        }
        List<T> sample = new ArrayList<>();
        chosen.forEach(i -> sample.add(items.get(i)));
        return shuffled(sample, random);
    }

    private static <T> List<T> shuffled(List<T> items, Random random) {
        List<T> copy = new ArrayList<>(items);
        Collections.shuffle(copy, random);
        return List.copyOf(copy);
    }

    private static List<Entity> sorted(List<Entity> entities) {
        List<Entity> copy = new ArrayList<>(entities);
        copy.sort(Comparator.comparingInt(Entity::index));
        return copy;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
