//! Features that combine the API and the analyzer (emulator issue): analyze a cloud
//! backup in one step. Placeholder until implemented.
