// GraphML through libxml2's xmlTextWriter: it escapes text and attributes and refuses bytes that
// are not UTF-8, so a counterparty name cannot break the document.
#include <fmt/format.h>
#include <libxml/xmlwriter.h>

#include <memory>

#include "exports/xml_writer.h"
#include "moneytrail/exports.h"
#include "moneytrail/time_format.h"

namespace moneytrail::exports {
namespace {

using exports_internal::XmlSafe;

struct BufferFree {
  void operator()(xmlBuffer* b) const { xmlBufferFree(b); }
};
struct WriterFree {
  void operator()(xmlTextWriter* w) const { xmlFreeTextWriter(w); }
};

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// Collects the first failure of the writer's calls (each returns < 0 on error).
class Writer {
 public:
  explicit Writer(xmlTextWriter* w) : w_(w) {}
  void Start(const char* element) { Check(xmlTextWriterStartElement(w_, X(element))); }
  void End() { Check(xmlTextWriterEndElement(w_)); }
  void Attr(const char* name, const std::string& value) {
    Check(xmlTextWriterWriteAttribute(w_, X(name), X(value.c_str())));
  }
  void Data(const char* key, const std::string& value) {
    Start("data");
    Attr("key", key);
    Check(xmlTextWriterWriteString(w_, X(value.c_str())));
    End();
  }
  void Key(const char* id, const char* domain, const char* name, const char* type) {
    Start("key");
    Attr("id", id);
    Attr("for", domain);
    Attr("attr.name", name);
    Attr("attr.type", type);
    End();
  }
  void Check(int rc) {
    if (rc < 0 && ok_) ok_ = false;
  }
  bool ok() const { return ok_; }

 private:
  xmlTextWriter* w_;
  bool ok_ = true;
};

}  // namespace

Result<std::string> GraphMl(const store::Store& store, const Parties& parties,
                            std::span<const TransactionId> transactions) {
  std::unique_ptr<xmlBuffer, BufferFree> buffer(xmlBufferCreate());
  if (!buffer) return InternalError("graphml: libxml2 could not allocate a buffer");
  std::unique_ptr<xmlTextWriter, WriterFree> writer(xmlNewTextWriterMemory(buffer.get(), 0));
  if (!writer) return InternalError("graphml: libxml2 could not create a writer");
  xmlTextWriterSetIndent(writer.get(), 1);
  Writer w(writer.get());
  w.Check(xmlTextWriterStartDocument(writer.get(), "1.0", "UTF-8", nullptr));
  w.Start("graphml");
  w.Attr("xmlns", "http://graphml.graphdrawing.org/xmlns");
  w.Key("label", "node", "label", "string");
  w.Key("kind", "node", "kind", "string");
  w.Key("bank", "node", "bank", "string");
  w.Key("number", "node", "number", "string");
  w.Key("holder", "node", "holder", "string");
  w.Key("time", "edge", "time", "string");
  w.Key("channel", "edge", "channel", "string");
  w.Key("amount", "edge", "amount", "string");
  w.Key("units", "edge", "amount_units", "long");
  w.Key("scale", "edge", "amount_scale", "int");
  w.Key("currency", "edge", "currency", "string");
  w.Key("source_file", "edge", "source_file", "string");
  w.Key("source_line", "edge", "source_line", "long");
  w.Start("graph");
  w.Attr("id", "moneytrail");
  w.Attr("edgedefault", "directed");
  const auto src = store.source();
  const auto dst = store.destination();
  std::vector<bool> touched(store.account_count(), false);
  for (TransactionId t : transactions) {
    touched[src[t]] = true;
    touched[dst[t]] = true;
  }
  for (AccountId a = 0; a < store.account_count(); ++a) {
    if (!touched[a]) continue;
    const store::AccountKey& key = store.account(a);
    w.Start("node");
    w.Attr("id", fmt::format("n{}", a));
    w.Data("label", XmlSafe(store.AccountLabel(a)));
    w.Data("kind", std::string(NodeKindName(key.kind)));
    w.Data("bank", XmlSafe(key.bank));
    w.Data("number", XmlSafe(key.number));
    if (a < parties.by_account.size() && !parties.by_account[a].party_id.empty()) {
      w.Data("holder", XmlSafe(parties.by_account[a].name));
    }
    w.End();
  }
  const auto& sources = store.sources();
  for (TransactionId t : transactions) {
    const Decimal amount = store.amount_paid(t);
    w.Start("edge");
    w.Attr("id", fmt::format("t{}", t));
    w.Attr("source", fmt::format("n{}", src[t]));
    w.Attr("target", fmt::format("n{}", dst[t]));
    w.Data("time", FormatIsoTime(store.time()[t]));
    w.Data("channel", std::string(ChannelName(static_cast<Channel>(store.channel()[t]))));
    w.Data("amount", FormatDecimal(amount));
    w.Data("units", std::to_string(amount.units));
    w.Data("scale", std::to_string(amount.scale));
    w.Data("currency", XmlSafe(store.currency(store.paid_currency()[t])));
    const uint32_t file = store.source_file()[t];
    if (file < sources.size()) w.Data("source_file", XmlSafe(sources[file].path));
    w.Data("source_line", std::to_string(store.source_line()[t]));
    w.End();
  }
  w.End();  // graph
  w.End();  // graphml
  w.Check(xmlTextWriterEndDocument(writer.get()));
  writer.reset();  // flushes into the buffer
  if (!w.ok()) return InternalError("graphml: libxml2's writer failed");
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer.get())),
                     static_cast<size_t>(xmlBufferLength(buffer.get())));
}

}  // namespace moneytrail::exports
