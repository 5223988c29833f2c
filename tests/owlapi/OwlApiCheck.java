// Loads an RDF/XML or Turtle file with the OWL API (what Protégé uses) and prints what it read:
//   java -cp '/usr/share/java/*' OwlApiCheck.java FILE [IGNORED-IMPORT-IRI...]
// Used by tests/test_exporting_owlapi.py; imports are never fetched.
import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.RDFXMLDocumentFormat;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.model.*;

public class OwlApiCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        manager.getIRIMappers().clear();
        OWLOntologyLoaderConfiguration config = manager.getOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
            .setStrict(false);
        for (int i = 1; i < args.length; i++) config = config.addIgnoredImport(IRI.create(args[i]));
        OWLDocumentFormat wanted = args[0].endsWith(".ttl")
            ? new TurtleDocumentFormat() : new RDFXMLDocumentFormat();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(
            new FileDocumentSource(new File(args[0]), wanted), config);
        OWLDocumentFormat format = manager.getOntologyFormat(ontology);
        Map<String, Integer> unparsed = new TreeMap<>();
        RDFParserMetaData meta = (RDFParserMetaData) format.getOntologyLoaderMetaData().get();
        meta.getUnparsedTriples().forEach(
            t -> unparsed.merge(t.getPredicate().toString(), 1, Integer::sum));
        System.out.println("format=" + format.getKey());
        System.out.println("axioms=" + ontology.getAxiomCount());
        System.out.println("classes=" + ontology.getClassesInSignature().size());
        System.out.println("unparsed=" + unparsed);
    }
}
