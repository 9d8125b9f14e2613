package ai.kard.examples.demo.internal;

import java.util.List;

/**
 * The clinical vocabulary of the demo benchmark. Every finding has the technical term the passages use and
 * lay paraphrases that only two-hop questions use. No paraphrase word occurs in any passage or in any other
 * finding's term, so BM25 cannot bridge the two; a model has to learn the mapping from the training data.
 */
public final class Findings {

    /** A term as the passages write it, and the words a question uses instead. */
    public record Finding(String term, List<String> paraphrases) {
        public Finding {
            paraphrases = List.copyOf(paraphrases);
        }
    }

    /** Organs: passages say "a hepatic disorder", questions say "the liver". */
    public static final List<Finding> ORGANS = List.of(
            f("hepatic", "liver"),
            f("renal", "kidneys"),
            f("cardiac", "heart"),
            f("pulmonary", "lungs"),
            f("cutaneous", "skin"),
            f("gastric", "stomach"),
            f("ocular", "eyes"),
            f("cerebral", "brain"),
            f("osseous", "bones"),
            f("pancreatic", "pancreas"),
            f("splenic", "spleen"),
            f("vesical", "bladder"),
            f("enteric", "bowel", "gut"),
            f("otic", "ears"),
            f("laryngeal", "throat"),
            f("dental", "teeth"));

    /** Symptoms: passages say "pyrexia", questions say "fever". */
    public static final List<Finding> SYMPTOMS = List.of(
            f("pyrexia", "fever", "high temperature"),
            f("pruritus", "itching"),
            f("emesis", "vomiting", "throwing up"),
            f("cephalalgia", "headache", "headaches"),
            f("dyspnea", "breathlessness", "shortness of breath"),
            f("syncope", "fainting", "blackouts"),
            f("myalgia", "muscle aches"),
            f("arthralgia", "joint aches", "achy joints"),
            f("epistaxis", "nosebleeds"),
            f("diaphoresis", "heavy sweating", "sweats"),
            f("alopecia", "hair loss", "balding"),
            f("xerostomia", "dry mouth"),
            f("tinnitus", "ringing ears"),
            f("vertigo", "dizziness", "dizzy spells"),
            f("photophobia", "light sensitivity"),
            f("dysphagia", "trouble swallowing"),
            f("hematuria", "bloody urine"),
            f("polyuria", "frequent urination"),
            f("insomnia", "sleeplessness", "poor sleep"),
            f("anorexia", "appetite loss", "poor appetite"),
            f("edema", "swelling", "puffiness"),
            f("jaundice", "yellowing"),
            f("tremor", "shaking", "trembling"),
            f("paresthesia", "tingling", "pins and needles"),
            f("rhinorrhea", "runny nose"),
            f("hemoptysis", "coughing blood"),
            f("diplopia", "double vision"),
            f("erythema", "reddening", "flushing"),
            f("somnolence", "drowsiness", "sleepiness"),
            f("ataxia", "clumsiness", "unsteadiness"),
            f("cyanosis", "bluish lips"),
            f("anosmia", "smell loss"),
            f("asthenia", "weakness", "tiredness"),
            f("pallor", "paleness"));

    private Findings() {
    }

    private static Finding f(String term, String... paraphrases) {
        return new Finding(term, List.of(paraphrases));
    }
}
