"""Common Italian first names (by gender) and surnames, as data. Frequencies are not modelled: the generator
weights the head of each list (the most common names come first) more than the tail."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """Names written as prose, one blank-separated word each; '_' joins a two-word surname (De_Luca)."""
    return tuple(dict.fromkeys(word.replace("_", " ") for word in text.split()))  # keep order, drop repeats


MALE = _words("""
Francesco Alessandro Lorenzo Leonardo Mattia Andrea Gabriele Riccardo Tommaso Edoardo Matteo Giuseppe Nicolò
Antonio Federico Diego Davide Christian Giovanni Pietro Samuele Marco Luca Simone Filippo Michele Emanuele
Alessio Giulio Jacopo Daniele Stefano Paolo Roberto Giorgio Massimo Fabio Claudio Sergio Luigi Mario Salvatore
Vincenzo Domenico Angelo Carlo Enrico Franco Bruno Raffaele Gianluca Maurizio Alberto Vittorio Nicola Gennaro
Pasquale Cristian Emilio Gianni Piero Dario Ivan Mirko Valerio Umberto Renato Sandro Silvio Walter Aldo Arturo
Carmine Cesare Ciro Cosimo Elia Ettore Fausto Flavio Gaetano Giacomo Guido Ignazio Leo Manuel Marcello Mauro
Nazario Nunzio Orazio Ottavio Raimondo Rocco Rosario Sebastiano Teodoro Ugo Valentino Vito Agostino Alfredo
Alfonso Amedeo Armando Attilio Benedetto Bernardo Calogero Corrado Damiano Elio Enzo Ernesto Ezio Felice
Filiberto Fulvio Gabriel Gerardo Gianfranco Giancarlo Gilberto Graziano Italo Lamberto Leandro Livio Loris
Luciano Marino Natale Nello Oreste Osvaldo Ottorino Pierluigi Primo Remo Rinaldo Romano Romeo Saverio Settimo
Tiziano Tullio Valter Vasco Zeno Adriano Alberico Aurelio Baldassarre Beniamino Carmelo Dante Donato Egidio
""")

FEMALE = _words("""
Sofia Giulia Aurora Alice Ginevra Emma Giorgia Greta Beatrice Anna Vittoria Chiara Ludovica Matilde Martina
Sara Nicole Bianca Noemi Francesca Rebecca Elena Gaia Arianna Alessia Camilla Marta Elisa Viola Federica Maria
Giuseppina Rosa Angela Giovanna Teresa Lucia Carmela Caterina Antonietta Paola Laura Roberta Silvia Cristina
Valentina Barbara Daniela Monica Patrizia Simona Stefania Alessandra Claudia Manuela Raffaella Sabrina Serena
Tiziana Cinzia Rita Luisa Franca Graziella Donatella Loredana Emanuela Ilaria Irene Eleonora Veronica Erica
Jessica Michela Debora Elisabetta Margherita Nadia Ornella Paolina Pina Rosaria Sonia Tania Vanessa Adele
Agnese Agata Alba Amalia Annalisa Antonella Assunta Benedetta Bruna Carla Carolina Cecilia Clara Concetta
Costanza Delia Diana Dora Edda Elvira Emilia Enrica Ester Fabiana Filomena Fiorella Flavia Gabriella Gemma
Gianna Gilda Gloria Grazia Ida Immacolata Ines Iolanda Isabella Lara Letizia Licia Lidia Liliana Lina Livia
Lorena Lorenza Marcella Mariangela Marina Marisa Mirella Nunzia Olga Ottavia Piera Raffaela Renata Rossella
Sandra Santina Silvana Stella Susanna Tecla Vera Vincenza Virginia Wanda Zaira Miriam Mara Luana Lucrezia
""")

SURNAMES = _words("""
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De_Luca Mancini Costa
Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone
Longo Gentile Martinelli Vitale Lombardo Serra Coppola De_Santis D'Angelo Marchetti Parisi Villa Conte Ferraro
Ferri Fabbri Bianco Marini Grasso Valentini Messina Sala De_Angelis Gatti Pellegrini Palumbo Sanna Farina Rizzi
Monti Cattaneo Moro Silvestri Mazza Testa Grassi Pellegrino Carbone Giuliani Benedetti Barone Rossetti Caputo
Montanari Guerra Palmieri Bernardi Martino Fiore De_Rosa Ferretti Bellini Basile Riva Donati Piras Vitali
Battaglia Sartori Neri Costantini Milani Pagano Ruggiero Sorrentino D'Amico Orlando Damico Negri Mele Amato
Fumagalli Cirillo Marchi Pace Romeo Gatto Caprioli Bassi Ferrante Sarti Morelli Bonetti Guerrini Villani
Colonna Salvi Cocco Fiorentino Sala Leoni Poli Marras Cristiani Rota Arena Bonomi Zanetti Ferrero Galletti
Giorgi Bellucci Mazzoni Lorusso Melis Cappelli Pagani Lucchesi Rocco Tedesco Bertolini Mantovani Monaco
Pepe Marra Bertoni Sorrentini Greco Vitiello Bonfanti Zanella Cavallo Morelli Porcu Ricciardi Baldi Nardi
Piazza Mariotti Ceccarelli Pirozzi Brambilla Cortese De_Luca Gallina Corsi Gentili D'Alessandro Bosco Guidi
Valente Pozzi Orlandi Santini Di_Stefano Lazzari Melchiorre Locatelli Rinaldini Tosi Fadda Carta Deiana
Scotti Rizzoli Canale Marchese Zanoni Fabbro Iannone Esposti Lupo Capuano Napolitano Sanfilippo Puglisi
Lo_Presti Russo Catalano Scalia Russello La_Rosa Di_Pietro Di_Marco Di_Giacomo De_Simone De_Marco Iacono
Sardo Pisano Marotta Cuomo Ianni Aiello Castelli Mazzola Bianchini Rossini Verdi Neri Bruni Fiorini Tassi
Benetti Zanetti Visentin Trevisan Furlan Pavan Zanon Bortolotti Vianello Dal_Bosco Fontanella Zecchin Bottaro
Marangon Scarpa Tonon Zorzi Dalla_Costa Bianchetti Pedretti Sartor Ferrarese Pellizzari Toffolo Bonato
Mancuso Arcuri Lo_Giudice Pappalardo Scuderi Musumeci Grasso Licata Vaccaro Zappalà Nicotra Cannizzaro
Sciortino Lombardo Bellomo Lentini Oliveri Cardillo Costanzo Mangano Calabrese Morabito Barbaro Surace
""")

STREETS = (
    "Via Roma",
    "Via Garibaldi",
    "Via Giuseppe Mazzini",
    "Via Cavour",
    "Corso Vittorio Emanuele II",
    "Via Dante Alighieri",
    "Via Giuseppe Verdi",
    "Via Marconi",
    "Via Matteotti",
    "Via XX Settembre",
    "Piazza della Repubblica",
    "Via IV Novembre",
    "Via Nazionale",
    "Via Milano",
    "Via Torino",
    "Via Napoli",
    "Via Firenze",
    "Via Venezia",
    "Via Trieste",
    "Via Trento",
    "Viale Europa",
    "Via Kennedy",
    "Via Gramsci",
    "Via Aldo Moro",
    "Via San Francesco",
    "Via della Libertà",
    "Via Carducci",
    "Via Manzoni",
    "Via Leopardi",
    "Via Pascoli",
    "Via Puccini",
    "Via Rossini",
    "Corso Italia",
    "Via del Lavoro",
    "Via dell'Industria",
    "Via Don Minzoni",
    "Via Papa Giovanni XXIII",
    "Via Sandro Pertini",
    "Viale dei Mille",
    "Via Fiume",
)

COMPANY_WORDS = (
    "Costruzioni",
    "Edilizia",
    "Impianti",
    "Trasporti",
    "Logistica",
    "Alimentari",
    "Distribuzione",
    "Servizi",
    "Meccanica",
    "Elettronica",
    "Arredamenti",
    "Tessile",
    "Forniture",
    "Commerciale",
    "Immobiliare",
    "Consulting",
    "Ristorazione",
    "Serramenti",
    "Termoidraulica",
    "Autoricambi",
    "Carpenteria",
    "Tipografia",
    "Informatica",
    "Ceramiche",
    "Agricola",
    "Vini",
    "Ferramenta",
    "Plastica",
    "Stampi",
    "Engineering",
)
COMPANY_FORMS = ("S.r.l.", "S.r.l.", "S.r.l.", "S.r.l.s.", "S.p.A.", "S.n.c.", "S.a.s.")
EMAIL_DOMAINS = (
    "gmail.com",
    "libero.it",
    "hotmail.it",
    "yahoo.it",
    "alice.it",
    "virgilio.it",
    "tiscali.it",
    "outlook.it",
    "icloud.com",
    "tim.it",
)
PEC_DOMAINS = ("pec.it", "legalmail.it", "arubapec.it", "pec.buffetti.it", "postecert.it")
MOBILE_PREFIXES = (
    "320",
    "324",
    "327",
    "328",
    "329",
    "330",
    "331",
    "333",
    "334",
    "335",
    "336",
    "337",
    "338",
    "339",
    "340",
    "342",
    "345",
    "346",
    "347",
    "348",
    "349",
    "351",
    "366",
    "368",
    "380",
    "388",
    "389",
    "391",
    "392",
    "393",
)
# Fixed-line area codes (prefisso) of some provinces, with the subscriber-number length after the code.
AREA_CODES = {
    "MI": ("02", 8),
    "RM": ("06", 8),
    "TO": ("011", 7),
    "NA": ("081", 7),
    "BO": ("051", 6),
    "FI": ("055", 6),
    "GE": ("010", 7),
    "PA": ("091", 6),
    "BA": ("080", 6),
    "VE": ("041", 6),
    "VR": ("045", 6),
    "CA": ("070", 6),
    "BS": ("030", 7),
    "BG": ("035", 6),
    "PD": ("049", 6),
}
