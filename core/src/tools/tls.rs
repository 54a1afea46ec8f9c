//! TLS for the tools' own connections (IMAP): the platform's roots, plus an account's
//! `ca_file`, through the same rustls stack (and crypto provider) as HTTP.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::ToolError;

/// The largest CA file read.
const MAX_CA_FILE: u64 = 1024 * 1024;

/// A connector trusting the platform's roots and those in `ca_file` (PEM).
pub fn connector(ca_file: Option<&Path>) -> Result<tokio_rustls::TlsConnector, ToolError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut extra: Vec<CertificateDer<'static>> = Vec::new();
    if let Some(path) = ca_file {
        let shown = path.display();
        let len = std::fs::metadata(path).map_err(|e| ToolError::Config(format!("ca_file {shown}: {e}")))?.len();
        if len > MAX_CA_FILE {
            return Err(ToolError::Config(format!("ca_file {shown}: larger than 1 MiB")));
        }
        let pem = std::fs::read(path).map_err(|e| ToolError::Config(format!("ca_file {shown}: {e}")))?;
        extra = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ToolError::Config(format!("ca_file {shown}: not a PEM certificate ({e})")))?;
        if extra.is_empty() {
            return Err(ToolError::Config(format!("ca_file {shown}: no certificate in it")));
        }
    }
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
        .map_err(|e| ToolError::Config(format!("cannot set up TLS: {e}")))?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ToolError::Config(format!("cannot set up TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// TLS over `tcp` to `host`.
pub async fn wrap(
    connector: &tokio_rustls::TlsConnector,
    host: &str,
    tcp: TcpStream,
) -> Result<TlsStream<TcpStream>, ToolError> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| ToolError::Config(format!("`{host}` is not a host name")))?;
    connector.connect(name, tcp).await.map_err(|e| ToolError::Unreachable(format!("{host}: TLS failed ({e})")))
}
